import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';

/** Placeholder until the console lands: says what is running and how to push. */
function Placeholder() {
  const host = window.location.host;
  return (
    <main className="mx-auto max-w-2xl p-8 font-sans text-slate-800">
      <h1 className="text-3xl font-semibold">Wharf</h1>
      <p className="mt-2">The registry is running. The console is on its way.</p>
      <pre className="mt-4 rounded bg-slate-100 p-4 text-sm">
        {`skopeo login --tls-verify=false ${host} -u admin\nskopeo copy oci:./image docker://${host}/library/app:1.0 --dest-tls-verify=false`}
      </pre>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Placeholder /></StrictMode>);
