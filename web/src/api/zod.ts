import { z } from "zod";

// Zod's first parse probes for eval (`new Function`); under the server's Content-Security-Policy (script-src 'self')
// the browser reports that caught probe as a violation. The console's schemas parse without compiling; import z from here.
z.config({ jitless: true });

export { z };
