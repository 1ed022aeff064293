import { render } from "preact";
import "../styles.css";
import { AdminApp } from "./App";

render(<AdminApp />, document.getElementById("app")!);
