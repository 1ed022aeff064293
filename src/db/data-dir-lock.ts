import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * SQLite serves one service process: two on the same DATA_DIR would each take the other's work for dead. The first
 * one writes its pid into DATA_DIR; a second refuses to start while that process lives. (The operator CLI may run
 * beside it; several service processes need PostgreSQL.)
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, "api-credits.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return () => {
        try {
          if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new Error(
          `another api-credits process (pid ${pid}) is serving ${dataDir}; SQLite serves one process — ` +
            "stop it, or use PostgreSQL (DATABASE_URL) to run several",
        );
      rmSync(file, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
