import { main } from "./main.js";
import { setV8Flags } from "./v8-flags.js";

// Again for the single executable, which runs this script without the npm loader; the same value changes nothing.
setV8Flags();
void main();
