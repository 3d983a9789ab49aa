/**
 * The public entry of src/lib: pure TypeScript + tfjs-core, no DOM. Pages and components import
 * from here (or from src/lib/browser for canvas/ImageData conversion).
 */
export { invalid, intInRange, numberInRange, oneOf } from './validate';
