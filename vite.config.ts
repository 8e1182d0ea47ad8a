import { readFileSync } from "node:fs";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const bff = `http://127.0.0.1:${process.env.PORT ?? 8080}`;

/**
 * Harbor's API description, which the contract test checks Wharf against, served as /swagger.yaml: written into the build
 * (the server serves it as any static file) and answered by the dev server. The API explorer reads it from there.
 */
function swaggerFile(): Plugin {
	const source = new URL(
		"./bff/test/contract/harbor-api-v2.0-swagger.yaml",
		import.meta.url,
	);
	return {
		name: "wharf-swagger-file",
		generateBundle() {
			this.emitFile({
				type: "asset",
				fileName: "swagger.yaml",
				source: readFileSync(source),
			});
		},
		configureServer(server) {
			server.middlewares.use("/swagger.yaml", (_req, res) => {
				res.setHeader("Content-Type", "application/yaml; charset=utf-8");
				res.end(readFileSync(source));
			});
		},
	};
}

export default defineConfig({
	root: "web",
	publicDir: "../public",
	plugins: [react(), tailwindcss(), swaggerFile()],
	build: { outDir: "../dist/web", emptyOutDir: true },
	server: {
		// `npm run dev`: the BFF's paths go to the server; a key starting with ^ is a RegExp, so `/c/` does not also take
		// every console path that begins with a c. The Host header stays Vite's, which the server counts as its own origin.
		proxy: {
			"^/(api|c|v2|service)(/|$)": { target: bff, changeOrigin: false },
		},
	},
});
