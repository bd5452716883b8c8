/*
 * Loaded in <head> without defer, before the first paint: the page is styled for a working script
 * from the start, with no flash of the no-script layout. Kept in a file (not inline) so a strict
 * Content-Security-Policy needs no exception.
 */
document.documentElement.classList.replace("no-js", "js");
