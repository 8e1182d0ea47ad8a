import helmet from "helmet";

/**
 * Response headers that keep the console from being framed, sniffed or made to run what it did not ship. The built
 * console needs nothing from elsewhere and nothing inline: its scripts, the Tailwind stylesheet and the icon are files
 * under /assets, React sets styles through the DOM (not markup), and the API is this origin. So every source is 'self'
 * and nothing else; images from a chart's README on other hosts stay out too (no viewer's address leaks to them).
 * No Strict-Transport-Security: Wharf is often served over plain http, and HTTPS is the fronting proxy's decision.
 */
export const securityHeaders = () =>
	helmet({
		contentSecurityPolicy: {
			useDefaults: false,
			directives: {
				defaultSrc: ["'self'"],
				scriptSrc: ["'self'"],
				scriptSrcAttr: ["'none'"],
				styleSrc: ["'self'"],
				imgSrc: ["'self'", "data:"],
				fontSrc: ["'self'"],
				connectSrc: ["'self'"],
				objectSrc: ["'none'"],
				baseUri: ["'self'"],
				formAction: ["'self'"],
				frameAncestors: ["'none'"],
			},
		},
		xFrameOptions: { action: "deny" },
		strictTransportSecurity: false,
	});
