import { expect } from "vitest";

/** The blocks of a markdown page that show a command's run: ```\n$ <command>\n<output>```. */
export function shownRuns(markdown: string, command: string): { args: string[]; shown: string[] }[] {
  const escaped = command.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return [...markdown.matchAll(new RegExp("```\\n\\$ " + escaped + "(?: ([^\\n]*))?\\n([\\s\\S]*?)```", "g"))].map((m) => ({
    args: m[1] ? m[1].split(" ") : [],
    shown: m[2]!.trimEnd().split("\n"),
  }));
}

/** Every shown line is in the real output, in order ("..." marks lines left out). */
export function expectShownInOrder(shown: readonly string[], output: string): void {
  const actual = output.trimEnd().split("\n");
  let at = 0;
  for (const line of shown) {
    if (line === "...") continue;
    const found = actual.indexOf(line, at);
    expect(found, `shown line not in the output (in order): ${line}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}
