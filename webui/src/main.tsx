/** Entry: mounts the shell. Pages are separate chunks loaded on navigation. */
import { render } from "preact";
import { App } from "./app";
import "./styles.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
