import picocolors from "picocolors";

export type Colors = ReturnType<typeof picocolors.createColors>;

/** Colour only for a terminal, never when NO_COLOR is set; FORCE_COLOR forces it. An explicit --color/--no-color wins. */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, explicit?: boolean): Colors {
  let enabled: boolean;
  if (explicit !== undefined) enabled = explicit;
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") enabled = false;
  else if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") enabled = true;
  else enabled = Boolean(stream.isTTY) && env.TERM !== "dumb";
  return picocolors.createColors(enabled);
}
