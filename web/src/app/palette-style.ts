/** The palette's box and search field, shared by the palette and the box shown while its code loads on first use. */
export const paletteBox =
	"mx-auto mt-[12vh] w-[36rem] max-w-[95vw] rounded-lg bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-black/40 dark:bg-slate-900 dark:text-slate-100";
export const paletteInput =
	"w-full border-b border-slate-200 bg-transparent px-4 py-3 text-base outline-none dark:border-slate-700";
