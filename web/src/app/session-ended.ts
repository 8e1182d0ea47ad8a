/**
 * Set when a request finds the session of a signed-in user gone (expired, or its cookie cleared), so sign-in can say
 * why the user is there; cleared by signing in again.
 */
let ended = false;
export const markSessionEnded = () => {
	ended = true;
};
export const clearSessionEnded = () => {
	ended = false;
};
export const sessionEnded = () => ended;
