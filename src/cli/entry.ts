import { main } from "./main.js";
import { deferOptimization } from "./tiering.js";

// Again for the single executable, which runs this script without the npm loader; the same value changes nothing.
deferOptimization();
void main();
