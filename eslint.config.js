// typescript-eslint's type-checked rules over the TypeScript (src, rules, test: the files of tsconfig.json),
// and plain recommended rules for the JavaScript (scripts, test/bench, the launcher).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "python/**", "samples/**", "docs/**", "coverage/**", ".cache/**"] },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // vitest.config.ts is outside tsconfig.json's include
        projectService: { allowDefaultProject: ["vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // test doubles implement async interfaces without awaiting anything
      "@typescript-eslint/require-await": "off",
      // tests look for escape sequences in what locklint prints
      "no-control-regex": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
