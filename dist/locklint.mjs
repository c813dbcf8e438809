import { createRequire as __locklintRequire } from "node:module";
import { dirname as __locklintDirname } from "node:path";
import { fileURLToPath as __locklintPath } from "node:url";
const require = __locklintRequire(import.meta.url);
const __filename = __locklintPath(import.meta.url);
const __dirname = __locklintDirname(__filename);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/commander/lib/error.js
var require_error = __commonJS({
  "node_modules/commander/lib/error.js"(exports) {
    var CommanderError2 = class extends Error {
      /**
       * Constructs the CommanderError class
       * @param {number} exitCode suggested exit code which could be used with process.exit
       * @param {string} code an id string representing the error
       * @param {string} message human-readable description of the error
       */
      constructor(exitCode, code, message) {
        super(message);
        Error.captureStackTrace(this, this.constructor);
        this.name = this.constructor.name;
        this.code = code;
        this.exitCode = exitCode;
        this.nestedError = void 0;
      }
    };
    var InvalidArgumentError2 = class extends CommanderError2 {
      /**
       * Constructs the InvalidArgumentError class
       * @param {string} [message] explanation of why argument is invalid
       */
      constructor(message) {
        super(1, "commander.invalidArgument", message);
        Error.captureStackTrace(this, this.constructor);
        this.name = this.constructor.name;
      }
    };
    exports.CommanderError = CommanderError2;
    exports.InvalidArgumentError = InvalidArgumentError2;
  }
});

// node_modules/commander/lib/argument.js
var require_argument = __commonJS({
  "node_modules/commander/lib/argument.js"(exports) {
    var { InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var Argument2 = class {
      /**
       * Initialize a new command argument with the given name and description.
       * The default is that the argument is required, and you can explicitly
       * indicate this with <> around the name. Put [] around the name for an optional argument.
       *
       * @param {string} name
       * @param {string} [description]
       */
      constructor(name, description) {
        this.description = description || "";
        this.variadic = false;
        this.parseArg = void 0;
        this.defaultValue = void 0;
        this.defaultValueDescription = void 0;
        this.argChoices = void 0;
        switch (name[0]) {
          case "<":
            this.required = true;
            this._name = name.slice(1, -1);
            break;
          case "[":
            this.required = false;
            this._name = name.slice(1, -1);
            break;
          default:
            this.required = true;
            this._name = name;
            break;
        }
        if (this._name.endsWith("...")) {
          this.variadic = true;
          this._name = this._name.slice(0, -3);
        }
      }
      /**
       * Return argument name.
       *
       * @return {string}
       */
      name() {
        return this._name;
      }
      /**
       * @package
       */
      _collectValue(value, previous) {
        if (previous === this.defaultValue || !Array.isArray(previous)) {
          return [value];
        }
        previous.push(value);
        return previous;
      }
      /**
       * Set the default value, and optionally supply the description to be displayed in the help.
       *
       * @param {*} value
       * @param {string} [description]
       * @return {Argument}
       */
      default(value, description) {
        this.defaultValue = value;
        this.defaultValueDescription = description;
        return this;
      }
      /**
       * Set the custom handler for processing CLI command arguments into argument values.
       *
       * @param {Function} [fn]
       * @return {Argument}
       */
      argParser(fn) {
        this.parseArg = fn;
        return this;
      }
      /**
       * Only allow argument value to be one of choices.
       *
       * @param {string[]} values
       * @return {Argument}
       */
      choices(values) {
        this.argChoices = values.slice();
        this.parseArg = (arg, previous) => {
          if (!this.argChoices.includes(arg)) {
            throw new InvalidArgumentError2(
              `Allowed choices are ${this.argChoices.join(", ")}.`
            );
          }
          if (this.variadic) {
            return this._collectValue(arg, previous);
          }
          return arg;
        };
        return this;
      }
      /**
       * Make argument required.
       *
       * @returns {Argument}
       */
      argRequired() {
        this.required = true;
        return this;
      }
      /**
       * Make argument optional.
       *
       * @returns {Argument}
       */
      argOptional() {
        this.required = false;
        return this;
      }
    };
    function humanReadableArgName(arg) {
      const nameOutput = arg.name() + (arg.variadic === true ? "..." : "");
      return arg.required ? "<" + nameOutput + ">" : "[" + nameOutput + "]";
    }
    exports.Argument = Argument2;
    exports.humanReadableArgName = humanReadableArgName;
  }
});

// node_modules/commander/lib/help.js
var require_help = __commonJS({
  "node_modules/commander/lib/help.js"(exports) {
    var { humanReadableArgName } = require_argument();
    var Help2 = class {
      constructor() {
        this.helpWidth = void 0;
        this.minWidthToWrap = 40;
        this.sortSubcommands = false;
        this.sortOptions = false;
        this.showGlobalOptions = false;
      }
      /**
       * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
       * and just before calling `formatHelp()`.
       *
       * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
       *
       * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
       */
      prepareContext(contextOptions) {
        this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
      }
      /**
       * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
       *
       * @param {Command} cmd
       * @returns {Command[]}
       */
      visibleCommands(cmd) {
        const visibleCommands = cmd.commands.filter((cmd2) => !cmd2._hidden);
        const helpCommand = cmd._getHelpCommand();
        if (helpCommand && !helpCommand._hidden) {
          visibleCommands.push(helpCommand);
        }
        if (this.sortSubcommands) {
          visibleCommands.sort((a, b) => {
            return a.name().localeCompare(b.name());
          });
        }
        return visibleCommands;
      }
      /**
       * Compare options for sort.
       *
       * @param {Option} a
       * @param {Option} b
       * @returns {number}
       */
      compareOptions(a, b) {
        const getSortKey = (option) => {
          return option.short ? option.short.replace(/^-/, "") : option.long.replace(/^--/, "");
        };
        return getSortKey(a).localeCompare(getSortKey(b));
      }
      /**
       * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
       *
       * @param {Command} cmd
       * @returns {Option[]}
       */
      visibleOptions(cmd) {
        const visibleOptions = cmd.options.filter((option) => !option.hidden);
        const helpOption = cmd._getHelpOption();
        if (helpOption && !helpOption.hidden) {
          const removeShort = helpOption.short && cmd._findOption(helpOption.short);
          const removeLong = helpOption.long && cmd._findOption(helpOption.long);
          if (!removeShort && !removeLong) {
            visibleOptions.push(helpOption);
          } else if (helpOption.long && !removeLong) {
            visibleOptions.push(
              cmd.createOption(helpOption.long, helpOption.description)
            );
          } else if (helpOption.short && !removeShort) {
            visibleOptions.push(
              cmd.createOption(helpOption.short, helpOption.description)
            );
          }
        }
        if (this.sortOptions) {
          visibleOptions.sort(this.compareOptions);
        }
        return visibleOptions;
      }
      /**
       * Get an array of the visible global options. (Not including help.)
       *
       * @param {Command} cmd
       * @returns {Option[]}
       */
      visibleGlobalOptions(cmd) {
        if (!this.showGlobalOptions) return [];
        const globalOptions = [];
        for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
          const visibleOptions = ancestorCmd.options.filter(
            (option) => !option.hidden
          );
          globalOptions.push(...visibleOptions);
        }
        if (this.sortOptions) {
          globalOptions.sort(this.compareOptions);
        }
        return globalOptions;
      }
      /**
       * Get an array of the arguments if any have a description.
       *
       * @param {Command} cmd
       * @returns {Argument[]}
       */
      visibleArguments(cmd) {
        if (cmd._argsDescription) {
          cmd.registeredArguments.forEach((argument) => {
            argument.description = argument.description || cmd._argsDescription[argument.name()] || "";
          });
        }
        if (cmd.registeredArguments.find((argument) => argument.description)) {
          return cmd.registeredArguments;
        }
        return [];
      }
      /**
       * Get the command term to show in the list of subcommands.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      subcommandTerm(cmd) {
        const args = cmd.registeredArguments.map((arg) => humanReadableArgName(arg)).join(" ");
        return cmd._name + (cmd._aliases[0] ? "|" + cmd._aliases[0] : "") + (cmd.options.length ? " [options]" : "") + // simplistic check for non-help option
        (args ? " " + args : "");
      }
      /**
       * Get the option term to show in the list of options.
       *
       * @param {Option} option
       * @returns {string}
       */
      optionTerm(option) {
        return option.flags;
      }
      /**
       * Get the argument term to show in the list of arguments.
       *
       * @param {Argument} argument
       * @returns {string}
       */
      argumentTerm(argument) {
        return argument.name();
      }
      /**
       * Get the longest command term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestSubcommandTermLength(cmd, helper) {
        return helper.visibleCommands(cmd).reduce((max, command) => {
          return Math.max(
            max,
            this.displayWidth(
              helper.styleSubcommandTerm(helper.subcommandTerm(command))
            )
          );
        }, 0);
      }
      /**
       * Get the longest option term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestOptionTermLength(cmd, helper) {
        return helper.visibleOptions(cmd).reduce((max, option) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
          );
        }, 0);
      }
      /**
       * Get the longest global option term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestGlobalOptionTermLength(cmd, helper) {
        return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
          );
        }, 0);
      }
      /**
       * Get the longest argument term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestArgumentTermLength(cmd, helper) {
        return helper.visibleArguments(cmd).reduce((max, argument) => {
          return Math.max(
            max,
            this.displayWidth(
              helper.styleArgumentTerm(helper.argumentTerm(argument))
            )
          );
        }, 0);
      }
      /**
       * Get the command usage to be displayed at the top of the built-in help.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      commandUsage(cmd) {
        let cmdName = cmd._name;
        if (cmd._aliases[0]) {
          cmdName = cmdName + "|" + cmd._aliases[0];
        }
        let ancestorCmdNames = "";
        for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
          ancestorCmdNames = ancestorCmd.name() + " " + ancestorCmdNames;
        }
        return ancestorCmdNames + cmdName + " " + cmd.usage();
      }
      /**
       * Get the description for the command.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      commandDescription(cmd) {
        return cmd.description();
      }
      /**
       * Get the subcommand summary to show in the list of subcommands.
       * (Fallback to description for backwards compatibility.)
       *
       * @param {Command} cmd
       * @returns {string}
       */
      subcommandDescription(cmd) {
        return cmd.summary() || cmd.description();
      }
      /**
       * Get the option description to show in the list of options.
       *
       * @param {Option} option
       * @return {string}
       */
      optionDescription(option) {
        const extraInfo = [];
        if (option.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (option.defaultValue !== void 0) {
          const showDefault = option.required || option.optional || option.isBoolean() && typeof option.defaultValue === "boolean";
          if (showDefault) {
            extraInfo.push(
              `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`
            );
          }
        }
        if (option.presetArg !== void 0 && option.optional) {
          extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
        }
        if (option.envVar !== void 0) {
          extraInfo.push(`env: ${option.envVar}`);
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (option.description) {
            return `${option.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return option.description;
      }
      /**
       * Get the argument description to show in the list of arguments.
       *
       * @param {Argument} argument
       * @return {string}
       */
      argumentDescription(argument) {
        const extraInfo = [];
        if (argument.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (argument.defaultValue !== void 0) {
          extraInfo.push(
            `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`
          );
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (argument.description) {
            return `${argument.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return argument.description;
      }
      /**
       * Format a list of items, given a heading and an array of formatted items.
       *
       * @param {string} heading
       * @param {string[]} items
       * @param {Help} helper
       * @returns string[]
       */
      formatItemList(heading, items, helper) {
        if (items.length === 0) return [];
        return [helper.styleTitle(heading), ...items, ""];
      }
      /**
       * Group items by their help group heading.
       *
       * @param {Command[] | Option[]} unsortedItems
       * @param {Command[] | Option[]} visibleItems
       * @param {Function} getGroup
       * @returns {Map<string, Command[] | Option[]>}
       */
      groupItems(unsortedItems, visibleItems, getGroup) {
        const result2 = /* @__PURE__ */ new Map();
        unsortedItems.forEach((item) => {
          const group = getGroup(item);
          if (!result2.has(group)) result2.set(group, []);
        });
        visibleItems.forEach((item) => {
          const group = getGroup(item);
          if (!result2.has(group)) {
            result2.set(group, []);
          }
          result2.get(group).push(item);
        });
        return result2;
      }
      /**
       * Generate the built-in help text.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {string}
       */
      formatHelp(cmd, helper) {
        const termWidth = helper.padWidth(cmd, helper);
        const helpWidth = helper.helpWidth ?? 80;
        function callFormatItem(term, description) {
          return helper.formatItem(term, termWidth, description, helper);
        }
        let output = [
          `${helper.styleTitle("Usage:")} ${helper.styleUsage(helper.commandUsage(cmd))}`,
          ""
        ];
        const commandDescription = helper.commandDescription(cmd);
        if (commandDescription.length > 0) {
          output = output.concat([
            helper.boxWrap(
              helper.styleCommandDescription(commandDescription),
              helpWidth
            ),
            ""
          ]);
        }
        const argumentList = helper.visibleArguments(cmd).map((argument) => {
          return callFormatItem(
            helper.styleArgumentTerm(helper.argumentTerm(argument)),
            helper.styleArgumentDescription(helper.argumentDescription(argument))
          );
        });
        output = output.concat(
          this.formatItemList("Arguments:", argumentList, helper)
        );
        const optionGroups = this.groupItems(
          cmd.options,
          helper.visibleOptions(cmd),
          (option) => option.helpGroupHeading ?? "Options:"
        );
        optionGroups.forEach((options, group) => {
          const optionList = options.map((option) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option)),
              helper.styleOptionDescription(helper.optionDescription(option))
            );
          });
          output = output.concat(this.formatItemList(group, optionList, helper));
        });
        if (helper.showGlobalOptions) {
          const globalOptionList = helper.visibleGlobalOptions(cmd).map((option) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option)),
              helper.styleOptionDescription(helper.optionDescription(option))
            );
          });
          output = output.concat(
            this.formatItemList("Global Options:", globalOptionList, helper)
          );
        }
        const commandGroups = this.groupItems(
          cmd.commands,
          helper.visibleCommands(cmd),
          (sub) => sub.helpGroup() || "Commands:"
        );
        commandGroups.forEach((commands, group) => {
          const commandList = commands.map((sub) => {
            return callFormatItem(
              helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
              helper.styleSubcommandDescription(helper.subcommandDescription(sub))
            );
          });
          output = output.concat(this.formatItemList(group, commandList, helper));
        });
        return output.join("\n");
      }
      /**
       * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
       *
       * @param {string} str
       * @returns {number}
       */
      displayWidth(str) {
        return stripColor(str).length;
      }
      /**
       * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
       *
       * @param {string} str
       * @returns {string}
       */
      styleTitle(str) {
        return str;
      }
      styleUsage(str) {
        return str.split(" ").map((word) => {
          if (word === "[options]") return this.styleOptionText(word);
          if (word === "[command]") return this.styleSubcommandText(word);
          if (word[0] === "[" || word[0] === "<")
            return this.styleArgumentText(word);
          return this.styleCommandText(word);
        }).join(" ");
      }
      styleCommandDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleOptionDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleSubcommandDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleArgumentDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleDescriptionText(str) {
        return str;
      }
      styleOptionTerm(str) {
        return this.styleOptionText(str);
      }
      styleSubcommandTerm(str) {
        return str.split(" ").map((word) => {
          if (word === "[options]") return this.styleOptionText(word);
          if (word[0] === "[" || word[0] === "<")
            return this.styleArgumentText(word);
          return this.styleSubcommandText(word);
        }).join(" ");
      }
      styleArgumentTerm(str) {
        return this.styleArgumentText(str);
      }
      styleOptionText(str) {
        return str;
      }
      styleArgumentText(str) {
        return str;
      }
      styleSubcommandText(str) {
        return str;
      }
      styleCommandText(str) {
        return str;
      }
      /**
       * Calculate the pad width from the maximum term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      padWidth(cmd, helper) {
        return Math.max(
          helper.longestOptionTermLength(cmd, helper),
          helper.longestGlobalOptionTermLength(cmd, helper),
          helper.longestSubcommandTermLength(cmd, helper),
          helper.longestArgumentTermLength(cmd, helper)
        );
      }
      /**
       * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
       *
       * @param {string} str
       * @returns {boolean}
       */
      preformatted(str) {
        return /\n[^\S\r\n]/.test(str);
      }
      /**
       * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
       *
       * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
       *   TTT  DDD DDDD
       *        DD DDD
       *
       * @param {string} term
       * @param {number} termWidth
       * @param {string} description
       * @param {Help} helper
       * @returns {string}
       */
      formatItem(term, termWidth, description, helper) {
        const itemIndent = 2;
        const itemIndentStr = " ".repeat(itemIndent);
        if (!description) return itemIndentStr + term;
        const paddedTerm = term.padEnd(
          termWidth + term.length - helper.displayWidth(term)
        );
        const spacerWidth = 2;
        const helpWidth = this.helpWidth ?? 80;
        const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
        let formattedDescription;
        if (remainingWidth < this.minWidthToWrap || helper.preformatted(description)) {
          formattedDescription = description;
        } else {
          const wrappedDescription = helper.boxWrap(description, remainingWidth);
          formattedDescription = wrappedDescription.replace(
            /\n/g,
            "\n" + " ".repeat(termWidth + spacerWidth)
          );
        }
        return itemIndentStr + paddedTerm + " ".repeat(spacerWidth) + formattedDescription.replace(/\n/g, `
${itemIndentStr}`);
      }
      /**
       * Wrap a string at whitespace, preserving existing line breaks.
       * Wrapping is skipped if the width is less than `minWidthToWrap`.
       *
       * @param {string} str
       * @param {number} width
       * @returns {string}
       */
      boxWrap(str, width) {
        if (width < this.minWidthToWrap) return str;
        const rawLines = str.split(/\r\n|\n/);
        const chunkPattern = /[\s]*[^\s]+/g;
        const wrappedLines = [];
        rawLines.forEach((line) => {
          const chunks = line.match(chunkPattern);
          if (chunks === null) {
            wrappedLines.push("");
            return;
          }
          let sumChunks = [chunks.shift()];
          let sumWidth = this.displayWidth(sumChunks[0]);
          chunks.forEach((chunk) => {
            const visibleWidth = this.displayWidth(chunk);
            if (sumWidth + visibleWidth <= width) {
              sumChunks.push(chunk);
              sumWidth += visibleWidth;
              return;
            }
            wrappedLines.push(sumChunks.join(""));
            const nextChunk = chunk.trimStart();
            sumChunks = [nextChunk];
            sumWidth = this.displayWidth(nextChunk);
          });
          wrappedLines.push(sumChunks.join(""));
        });
        return wrappedLines.join("\n");
      }
    };
    function stripColor(str) {
      const sgrPattern = /\x1b\[\d*(;\d*)*m/g;
      return str.replace(sgrPattern, "");
    }
    exports.Help = Help2;
    exports.stripColor = stripColor;
  }
});

// node_modules/commander/lib/option.js
var require_option = __commonJS({
  "node_modules/commander/lib/option.js"(exports) {
    var { InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var Option2 = class {
      /**
       * Initialize a new `Option` with the given `flags` and `description`.
       *
       * @param {string} flags
       * @param {string} [description]
       */
      constructor(flags, description) {
        this.flags = flags;
        this.description = description || "";
        this.required = flags.includes("<");
        this.optional = flags.includes("[");
        this.variadic = /\w\.\.\.[>\]]$/.test(flags);
        this.mandatory = false;
        const optionFlags = splitOptionFlags(flags);
        this.short = optionFlags.shortFlag;
        this.long = optionFlags.longFlag;
        this.negate = false;
        if (this.long) {
          this.negate = this.long.startsWith("--no-");
        }
        this.defaultValue = void 0;
        this.defaultValueDescription = void 0;
        this.presetArg = void 0;
        this.envVar = void 0;
        this.parseArg = void 0;
        this.hidden = false;
        this.argChoices = void 0;
        this.conflictsWith = [];
        this.implied = void 0;
        this.helpGroupHeading = void 0;
      }
      /**
       * Set the default value, and optionally supply the description to be displayed in the help.
       *
       * @param {*} value
       * @param {string} [description]
       * @return {Option}
       */
      default(value, description) {
        this.defaultValue = value;
        this.defaultValueDescription = description;
        return this;
      }
      /**
       * Preset to use when option used without option-argument, especially optional but also boolean and negated.
       * The custom processing (parseArg) is called.
       *
       * @example
       * new Option('--color').default('GREYSCALE').preset('RGB');
       * new Option('--donate [amount]').preset('20').argParser(parseFloat);
       *
       * @param {*} arg
       * @return {Option}
       */
      preset(arg) {
        this.presetArg = arg;
        return this;
      }
      /**
       * Add option name(s) that conflict with this option.
       * An error will be displayed if conflicting options are found during parsing.
       *
       * @example
       * new Option('--rgb').conflicts('cmyk');
       * new Option('--js').conflicts(['ts', 'jsx']);
       *
       * @param {(string | string[])} names
       * @return {Option}
       */
      conflicts(names2) {
        this.conflictsWith = this.conflictsWith.concat(names2);
        return this;
      }
      /**
       * Specify implied option values for when this option is set and the implied options are not.
       *
       * The custom processing (parseArg) is not called on the implied values.
       *
       * @example
       * program
       *   .addOption(new Option('--log', 'write logging information to file'))
       *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
       *
       * @param {object} impliedOptionValues
       * @return {Option}
       */
      implies(impliedOptionValues) {
        let newImplied = impliedOptionValues;
        if (typeof impliedOptionValues === "string") {
          newImplied = { [impliedOptionValues]: true };
        }
        this.implied = Object.assign(this.implied || {}, newImplied);
        return this;
      }
      /**
       * Set environment variable to check for option value.
       *
       * An environment variable is only used if when processed the current option value is
       * undefined, or the source of the current value is 'default' or 'config' or 'env'.
       *
       * @param {string} name
       * @return {Option}
       */
      env(name) {
        this.envVar = name;
        return this;
      }
      /**
       * Set the custom handler for processing CLI option arguments into option values.
       *
       * @param {Function} [fn]
       * @return {Option}
       */
      argParser(fn) {
        this.parseArg = fn;
        return this;
      }
      /**
       * Whether the option is mandatory and must have a value after parsing.
       *
       * @param {boolean} [mandatory=true]
       * @return {Option}
       */
      makeOptionMandatory(mandatory = true) {
        this.mandatory = !!mandatory;
        return this;
      }
      /**
       * Hide option in help.
       *
       * @param {boolean} [hide=true]
       * @return {Option}
       */
      hideHelp(hide = true) {
        this.hidden = !!hide;
        return this;
      }
      /**
       * @package
       */
      _collectValue(value, previous) {
        if (previous === this.defaultValue || !Array.isArray(previous)) {
          return [value];
        }
        previous.push(value);
        return previous;
      }
      /**
       * Only allow option value to be one of choices.
       *
       * @param {string[]} values
       * @return {Option}
       */
      choices(values) {
        this.argChoices = values.slice();
        this.parseArg = (arg, previous) => {
          if (!this.argChoices.includes(arg)) {
            throw new InvalidArgumentError2(
              `Allowed choices are ${this.argChoices.join(", ")}.`
            );
          }
          if (this.variadic) {
            return this._collectValue(arg, previous);
          }
          return arg;
        };
        return this;
      }
      /**
       * Return option name.
       *
       * @return {string}
       */
      name() {
        if (this.long) {
          return this.long.replace(/^--/, "");
        }
        return this.short.replace(/^-/, "");
      }
      /**
       * Return option name, in a camelcase format that can be used
       * as an object attribute key.
       *
       * @return {string}
       */
      attributeName() {
        if (this.negate) {
          return camelcase(this.name().replace(/^no-/, ""));
        }
        return camelcase(this.name());
      }
      /**
       * Set the help group heading.
       *
       * @param {string} heading
       * @return {Option}
       */
      helpGroup(heading) {
        this.helpGroupHeading = heading;
        return this;
      }
      /**
       * Check if `arg` matches the short or long flag.
       *
       * @param {string} arg
       * @return {boolean}
       * @package
       */
      is(arg) {
        return this.short === arg || this.long === arg;
      }
      /**
       * Return whether a boolean option.
       *
       * Options are one of boolean, negated, required argument, or optional argument.
       *
       * @return {boolean}
       * @package
       */
      isBoolean() {
        return !this.required && !this.optional && !this.negate;
      }
    };
    var DualOptions = class {
      /**
       * @param {Option[]} options
       */
      constructor(options) {
        this.positiveOptions = /* @__PURE__ */ new Map();
        this.negativeOptions = /* @__PURE__ */ new Map();
        this.dualOptions = /* @__PURE__ */ new Set();
        options.forEach((option) => {
          if (option.negate) {
            this.negativeOptions.set(option.attributeName(), option);
          } else {
            this.positiveOptions.set(option.attributeName(), option);
          }
        });
        this.negativeOptions.forEach((value, key) => {
          if (this.positiveOptions.has(key)) {
            this.dualOptions.add(key);
          }
        });
      }
      /**
       * Did the value come from the option, and not from possible matching dual option?
       *
       * @param {*} value
       * @param {Option} option
       * @returns {boolean}
       */
      valueFromOption(value, option) {
        const optionKey = option.attributeName();
        if (!this.dualOptions.has(optionKey)) return true;
        const preset = this.negativeOptions.get(optionKey).presetArg;
        const negativeValue = preset !== void 0 ? preset : false;
        return option.negate === (negativeValue === value);
      }
    };
    function camelcase(str) {
      return str.split("-").reduce((str2, word) => {
        return str2 + word[0].toUpperCase() + word.slice(1);
      });
    }
    function splitOptionFlags(flags) {
      let shortFlag;
      let longFlag;
      const shortFlagExp = /^-[^-]$/;
      const longFlagExp = /^--[^-]/;
      const flagParts = flags.split(/[ |,]+/).concat("guard");
      if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
      if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
      if (!shortFlag && shortFlagExp.test(flagParts[0]))
        shortFlag = flagParts.shift();
      if (!shortFlag && longFlagExp.test(flagParts[0])) {
        shortFlag = longFlag;
        longFlag = flagParts.shift();
      }
      if (flagParts[0].startsWith("-")) {
        const unsupportedFlag = flagParts[0];
        const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
        if (/^-[^-][^-]/.test(unsupportedFlag))
          throw new Error(
            `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`
          );
        if (shortFlagExp.test(unsupportedFlag))
          throw new Error(`${baseError}
- too many short flags`);
        if (longFlagExp.test(unsupportedFlag))
          throw new Error(`${baseError}
- too many long flags`);
        throw new Error(`${baseError}
- unrecognised flag format`);
      }
      if (shortFlag === void 0 && longFlag === void 0)
        throw new Error(
          `option creation failed due to no flags found in '${flags}'.`
        );
      return { shortFlag, longFlag };
    }
    exports.Option = Option2;
    exports.DualOptions = DualOptions;
  }
});

// node_modules/commander/lib/suggestSimilar.js
var require_suggestSimilar = __commonJS({
  "node_modules/commander/lib/suggestSimilar.js"(exports) {
    var maxDistance = 3;
    function editDistance2(a, b) {
      if (Math.abs(a.length - b.length) > maxDistance)
        return Math.max(a.length, b.length);
      const d = [];
      for (let i = 0; i <= a.length; i++) {
        d[i] = [i];
      }
      for (let j = 0; j <= b.length; j++) {
        d[0][j] = j;
      }
      for (let j = 1; j <= b.length; j++) {
        for (let i = 1; i <= a.length; i++) {
          let cost = 1;
          if (a[i - 1] === b[j - 1]) {
            cost = 0;
          } else {
            cost = 1;
          }
          d[i][j] = Math.min(
            d[i - 1][j] + 1,
            // deletion
            d[i][j - 1] + 1,
            // insertion
            d[i - 1][j - 1] + cost
            // substitution
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
          }
        }
      }
      return d[a.length][b.length];
    }
    function suggestSimilar(word, candidates) {
      if (!candidates || candidates.length === 0) return "";
      candidates = Array.from(new Set(candidates));
      const searchingOptions = word.startsWith("--");
      if (searchingOptions) {
        word = word.slice(2);
        candidates = candidates.map((candidate) => candidate.slice(2));
      }
      let similar = [];
      let bestDistance = maxDistance;
      const minSimilarity = 0.4;
      candidates.forEach((candidate) => {
        if (candidate.length <= 1) return;
        const distance = editDistance2(word, candidate);
        const length = Math.max(word.length, candidate.length);
        const similarity = (length - distance) / length;
        if (similarity > minSimilarity) {
          if (distance < bestDistance) {
            bestDistance = distance;
            similar = [candidate];
          } else if (distance === bestDistance) {
            similar.push(candidate);
          }
        }
      });
      similar.sort((a, b) => a.localeCompare(b));
      if (searchingOptions) {
        similar = similar.map((candidate) => `--${candidate}`);
      }
      if (similar.length > 1) {
        return `
(Did you mean one of ${similar.join(", ")}?)`;
      }
      if (similar.length === 1) {
        return `
(Did you mean ${similar[0]}?)`;
      }
      return "";
    }
    exports.suggestSimilar = suggestSimilar;
  }
});

// node_modules/commander/lib/command.js
var require_command = __commonJS({
  "node_modules/commander/lib/command.js"(exports) {
    var EventEmitter = __require("node:events").EventEmitter;
    var childProcess = __require("node:child_process");
    var path = __require("node:path");
    var fs = __require("node:fs");
    var process2 = __require("node:process");
    var { Argument: Argument2, humanReadableArgName } = require_argument();
    var { CommanderError: CommanderError2 } = require_error();
    var { Help: Help2, stripColor } = require_help();
    var { Option: Option2, DualOptions } = require_option();
    var { suggestSimilar } = require_suggestSimilar();
    var Command3 = class _Command extends EventEmitter {
      /**
       * Initialize a new `Command`.
       *
       * @param {string} [name]
       */
      constructor(name) {
        super();
        this.commands = [];
        this.options = [];
        this.parent = null;
        this._allowUnknownOption = false;
        this._allowExcessArguments = false;
        this.registeredArguments = [];
        this._args = this.registeredArguments;
        this.args = [];
        this.rawArgs = [];
        this.processedArgs = [];
        this._scriptPath = null;
        this._name = name || "";
        this._optionValues = {};
        this._optionValueSources = {};
        this._storeOptionsAsProperties = false;
        this._actionHandler = null;
        this._executableHandler = false;
        this._executableFile = null;
        this._executableDir = null;
        this._defaultCommandName = null;
        this._exitCallback = null;
        this._aliases = [];
        this._combineFlagAndOptionalValue = true;
        this._description = "";
        this._summary = "";
        this._argsDescription = void 0;
        this._enablePositionalOptions = false;
        this._passThroughOptions = false;
        this._lifeCycleHooks = {};
        this._showHelpAfterError = false;
        this._showSuggestionAfterError = true;
        this._savedState = null;
        this._outputConfiguration = {
          writeOut: (str) => process2.stdout.write(str),
          writeErr: (str) => process2.stderr.write(str),
          outputError: (str, write) => write(str),
          getOutHelpWidth: () => process2.stdout.isTTY ? process2.stdout.columns : void 0,
          getErrHelpWidth: () => process2.stderr.isTTY ? process2.stderr.columns : void 0,
          getOutHasColors: () => useColor() ?? (process2.stdout.isTTY && process2.stdout.hasColors?.()),
          getErrHasColors: () => useColor() ?? (process2.stderr.isTTY && process2.stderr.hasColors?.()),
          stripColor: (str) => stripColor(str)
        };
        this._hidden = false;
        this._helpOption = void 0;
        this._addImplicitHelpCommand = void 0;
        this._helpCommand = void 0;
        this._helpConfiguration = {};
        this._helpGroupHeading = void 0;
        this._defaultCommandGroup = void 0;
        this._defaultOptionGroup = void 0;
      }
      /**
       * Copy settings that are useful to have in common across root command and subcommands.
       *
       * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
       *
       * @param {Command} sourceCommand
       * @return {Command} `this` command for chaining
       */
      copyInheritedSettings(sourceCommand) {
        this._outputConfiguration = sourceCommand._outputConfiguration;
        this._helpOption = sourceCommand._helpOption;
        this._helpCommand = sourceCommand._helpCommand;
        this._helpConfiguration = sourceCommand._helpConfiguration;
        this._exitCallback = sourceCommand._exitCallback;
        this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
        this._combineFlagAndOptionalValue = sourceCommand._combineFlagAndOptionalValue;
        this._allowExcessArguments = sourceCommand._allowExcessArguments;
        this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
        this._showHelpAfterError = sourceCommand._showHelpAfterError;
        this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;
        return this;
      }
      /**
       * @returns {Command[]}
       * @private
       */
      _getCommandAndAncestors() {
        const result2 = [];
        for (let command = this; command; command = command.parent) {
          result2.push(command);
        }
        return result2;
      }
      /**
       * Define a command.
       *
       * There are two styles of command: pay attention to where to put the description.
       *
       * @example
       * // Command implemented using action handler (description is supplied separately to `.command`)
       * program
       *   .command('clone <source> [destination]')
       *   .description('clone a repository into a newly created directory')
       *   .action((source, destination) => {
       *     console.log('clone command called');
       *   });
       *
       * // Command implemented using separate executable file (description is second parameter to `.command`)
       * program
       *   .command('start <service>', 'start named service')
       *   .command('stop [service]', 'stop named service, or all if no name supplied');
       *
       * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
       * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
       * @param {object} [execOpts] - configuration options (for executable)
       * @return {Command} returns new command for action handler, or `this` for executable command
       */
      command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
        let desc = actionOptsOrExecDesc;
        let opts = execOpts;
        if (typeof desc === "object" && desc !== null) {
          opts = desc;
          desc = null;
        }
        opts = opts || {};
        const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);
        const cmd = this.createCommand(name);
        if (desc) {
          cmd.description(desc);
          cmd._executableHandler = true;
        }
        if (opts.isDefault) this._defaultCommandName = cmd._name;
        cmd._hidden = !!(opts.noHelp || opts.hidden);
        cmd._executableFile = opts.executableFile || null;
        if (args) cmd.arguments(args);
        this._registerCommand(cmd);
        cmd.parent = this;
        cmd.copyInheritedSettings(this);
        if (desc) return this;
        return cmd;
      }
      /**
       * Factory routine to create a new unattached command.
       *
       * See .command() for creating an attached subcommand, which uses this routine to
       * create the command. You can override createCommand to customise subcommands.
       *
       * @param {string} [name]
       * @return {Command} new command
       */
      createCommand(name) {
        return new _Command(name);
      }
      /**
       * You can customise the help with a subclass of Help by overriding createHelp,
       * or by overriding Help properties using configureHelp().
       *
       * @return {Help}
       */
      createHelp() {
        return Object.assign(new Help2(), this.configureHelp());
      }
      /**
       * You can customise the help by overriding Help properties using configureHelp(),
       * or with a subclass of Help by overriding createHelp().
       *
       * @param {object} [configuration] - configuration options
       * @return {(Command | object)} `this` command for chaining, or stored configuration
       */
      configureHelp(configuration) {
        if (configuration === void 0) return this._helpConfiguration;
        this._helpConfiguration = configuration;
        return this;
      }
      /**
       * The default output goes to stdout and stderr. You can customise this for special
       * applications. You can also customise the display of errors by overriding outputError.
       *
       * The configuration properties are all functions:
       *
       *     // change how output being written, defaults to stdout and stderr
       *     writeOut(str)
       *     writeErr(str)
       *     // change how output being written for errors, defaults to writeErr
       *     outputError(str, write) // used for displaying errors and not used for displaying help
       *     // specify width for wrapping help
       *     getOutHelpWidth()
       *     getErrHelpWidth()
       *     // color support, currently only used with Help
       *     getOutHasColors()
       *     getErrHasColors()
       *     stripColor() // used to remove ANSI escape codes if output does not have colors
       *
       * @param {object} [configuration] - configuration options
       * @return {(Command | object)} `this` command for chaining, or stored configuration
       */
      configureOutput(configuration) {
        if (configuration === void 0) return this._outputConfiguration;
        this._outputConfiguration = {
          ...this._outputConfiguration,
          ...configuration
        };
        return this;
      }
      /**
       * Display the help or a custom message after an error occurs.
       *
       * @param {(boolean|string)} [displayHelp]
       * @return {Command} `this` command for chaining
       */
      showHelpAfterError(displayHelp = true) {
        if (typeof displayHelp !== "string") displayHelp = !!displayHelp;
        this._showHelpAfterError = displayHelp;
        return this;
      }
      /**
       * Display suggestion of similar commands for unknown commands, or options for unknown options.
       *
       * @param {boolean} [displaySuggestion]
       * @return {Command} `this` command for chaining
       */
      showSuggestionAfterError(displaySuggestion = true) {
        this._showSuggestionAfterError = !!displaySuggestion;
        return this;
      }
      /**
       * Add a prepared subcommand.
       *
       * See .command() for creating an attached subcommand which inherits settings from its parent.
       *
       * @param {Command} cmd - new subcommand
       * @param {object} [opts] - configuration options
       * @return {Command} `this` command for chaining
       */
      addCommand(cmd, opts) {
        if (!cmd._name) {
          throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
        }
        opts = opts || {};
        if (opts.isDefault) this._defaultCommandName = cmd._name;
        if (opts.noHelp || opts.hidden) cmd._hidden = true;
        this._registerCommand(cmd);
        cmd.parent = this;
        cmd._checkForBrokenPassThrough();
        return this;
      }
      /**
       * Factory routine to create a new unattached argument.
       *
       * See .argument() for creating an attached argument, which uses this routine to
       * create the argument. You can override createArgument to return a custom argument.
       *
       * @param {string} name
       * @param {string} [description]
       * @return {Argument} new argument
       */
      createArgument(name, description) {
        return new Argument2(name, description);
      }
      /**
       * Define argument syntax for command.
       *
       * The default is that the argument is required, and you can explicitly
       * indicate this with <> around the name. Put [] around the name for an optional argument.
       *
       * @example
       * program.argument('<input-file>');
       * program.argument('[output-file]');
       *
       * @param {string} name
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom argument processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      argument(name, description, parseArg, defaultValue) {
        const argument = this.createArgument(name, description);
        if (typeof parseArg === "function") {
          argument.default(defaultValue).argParser(parseArg);
        } else {
          argument.default(parseArg);
        }
        this.addArgument(argument);
        return this;
      }
      /**
       * Define argument syntax for command, adding multiple at once (without descriptions).
       *
       * See also .argument().
       *
       * @example
       * program.arguments('<cmd> [env]');
       *
       * @param {string} names
       * @return {Command} `this` command for chaining
       */
      arguments(names2) {
        names2.trim().split(/ +/).forEach((detail) => {
          this.argument(detail);
        });
        return this;
      }
      /**
       * Define argument syntax for command, adding a prepared argument.
       *
       * @param {Argument} argument
       * @return {Command} `this` command for chaining
       */
      addArgument(argument) {
        const previousArgument = this.registeredArguments.slice(-1)[0];
        if (previousArgument?.variadic) {
          throw new Error(
            `only the last argument can be variadic '${previousArgument.name()}'`
          );
        }
        if (argument.required && argument.defaultValue !== void 0 && argument.parseArg === void 0) {
          throw new Error(
            `a default value for a required argument is never used: '${argument.name()}'`
          );
        }
        this.registeredArguments.push(argument);
        return this;
      }
      /**
       * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
       *
       * @example
       *    program.helpCommand('help [cmd]');
       *    program.helpCommand('help [cmd]', 'show help');
       *    program.helpCommand(false); // suppress default help command
       *    program.helpCommand(true); // add help command even if no subcommands
       *
       * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
       * @param {string} [description] - custom description
       * @return {Command} `this` command for chaining
       */
      helpCommand(enableOrNameAndArgs, description) {
        if (typeof enableOrNameAndArgs === "boolean") {
          this._addImplicitHelpCommand = enableOrNameAndArgs;
          if (enableOrNameAndArgs && this._defaultCommandGroup) {
            this._initCommandGroup(this._getHelpCommand());
          }
          return this;
        }
        const nameAndArgs = enableOrNameAndArgs ?? "help [command]";
        const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
        const helpDescription = description ?? "display help for command";
        const helpCommand = this.createCommand(helpName);
        helpCommand.helpOption(false);
        if (helpArgs) helpCommand.arguments(helpArgs);
        if (helpDescription) helpCommand.description(helpDescription);
        this._addImplicitHelpCommand = true;
        this._helpCommand = helpCommand;
        if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);
        return this;
      }
      /**
       * Add prepared custom help command.
       *
       * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
       * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
       * @return {Command} `this` command for chaining
       */
      addHelpCommand(helpCommand, deprecatedDescription) {
        if (typeof helpCommand !== "object") {
          this.helpCommand(helpCommand, deprecatedDescription);
          return this;
        }
        this._addImplicitHelpCommand = true;
        this._helpCommand = helpCommand;
        this._initCommandGroup(helpCommand);
        return this;
      }
      /**
       * Lazy create help command.
       *
       * @return {(Command|null)}
       * @package
       */
      _getHelpCommand() {
        const hasImplicitHelpCommand = this._addImplicitHelpCommand ?? (this.commands.length && !this._actionHandler && !this._findCommand("help"));
        if (hasImplicitHelpCommand) {
          if (this._helpCommand === void 0) {
            this.helpCommand(void 0, void 0);
          }
          return this._helpCommand;
        }
        return null;
      }
      /**
       * Add hook for life cycle event.
       *
       * @param {string} event
       * @param {Function} listener
       * @return {Command} `this` command for chaining
       */
      hook(event, listener) {
        const allowedValues = ["preSubcommand", "preAction", "postAction"];
        if (!allowedValues.includes(event)) {
          throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
        }
        if (this._lifeCycleHooks[event]) {
          this._lifeCycleHooks[event].push(listener);
        } else {
          this._lifeCycleHooks[event] = [listener];
        }
        return this;
      }
      /**
       * Register callback to use as replacement for calling process.exit.
       *
       * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
       * @return {Command} `this` command for chaining
       */
      exitOverride(fn) {
        if (fn) {
          this._exitCallback = fn;
        } else {
          this._exitCallback = (err) => {
            if (err.code !== "commander.executeSubCommandAsync") {
              throw err;
            } else {
            }
          };
        }
        return this;
      }
      /**
       * Call process.exit, and _exitCallback if defined.
       *
       * @param {number} exitCode exit code for using with process.exit
       * @param {string} code an id string representing the error
       * @param {string} message human-readable description of the error
       * @return never
       * @private
       */
      _exit(exitCode, code, message) {
        if (this._exitCallback) {
          this._exitCallback(new CommanderError2(exitCode, code, message));
        }
        process2.exit(exitCode);
      }
      /**
       * Register callback `fn` for the command.
       *
       * @example
       * program
       *   .command('serve')
       *   .description('start service')
       *   .action(function() {
       *      // do work here
       *   });
       *
       * @param {Function} fn
       * @return {Command} `this` command for chaining
       */
      action(fn) {
        const listener = (args) => {
          const expectedArgsCount = this.registeredArguments.length;
          const actionArgs = args.slice(0, expectedArgsCount);
          if (this._storeOptionsAsProperties) {
            actionArgs[expectedArgsCount] = this;
          } else {
            actionArgs[expectedArgsCount] = this.opts();
          }
          actionArgs.push(this);
          return fn.apply(this, actionArgs);
        };
        this._actionHandler = listener;
        return this;
      }
      /**
       * Factory routine to create a new unattached option.
       *
       * See .option() for creating an attached option, which uses this routine to
       * create the option. You can override createOption to return a custom option.
       *
       * @param {string} flags
       * @param {string} [description]
       * @return {Option} new option
       */
      createOption(flags, description) {
        return new Option2(flags, description);
      }
      /**
       * Wrap parseArgs to catch 'commander.invalidArgument'.
       *
       * @param {(Option | Argument)} target
       * @param {string} value
       * @param {*} previous
       * @param {string} invalidArgumentMessage
       * @private
       */
      _callParseArg(target, value, previous, invalidArgumentMessage) {
        try {
          return target.parseArg(value, previous);
        } catch (err) {
          if (err.code === "commander.invalidArgument") {
            const message = `${invalidArgumentMessage} ${err.message}`;
            this.error(message, { exitCode: err.exitCode, code: err.code });
          }
          throw err;
        }
      }
      /**
       * Check for option flag conflicts.
       * Register option if no conflicts found, or throw on conflict.
       *
       * @param {Option} option
       * @private
       */
      _registerOption(option) {
        const matchingOption = option.short && this._findOption(option.short) || option.long && this._findOption(option.long);
        if (matchingOption) {
          const matchingFlag = option.long && this._findOption(option.long) ? option.long : option.short;
          throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
        }
        this._initOptionGroup(option);
        this.options.push(option);
      }
      /**
       * Check for command name and alias conflicts with existing commands.
       * Register command if no conflicts found, or throw on conflict.
       *
       * @param {Command} command
       * @private
       */
      _registerCommand(command) {
        const knownBy = (cmd) => {
          return [cmd.name()].concat(cmd.aliases());
        };
        const alreadyUsed = knownBy(command).find(
          (name) => this._findCommand(name)
        );
        if (alreadyUsed) {
          const existingCmd = knownBy(this._findCommand(alreadyUsed)).join("|");
          const newCmd = knownBy(command).join("|");
          throw new Error(
            `cannot add command '${newCmd}' as already have command '${existingCmd}'`
          );
        }
        this._initCommandGroup(command);
        this.commands.push(command);
      }
      /**
       * Add an option.
       *
       * @param {Option} option
       * @return {Command} `this` command for chaining
       */
      addOption(option) {
        this._registerOption(option);
        const oname = option.name();
        const name = option.attributeName();
        if (option.negate) {
          const positiveLongFlag = option.long.replace(/^--no-/, "--");
          if (!this._findOption(positiveLongFlag)) {
            this.setOptionValueWithSource(
              name,
              option.defaultValue === void 0 ? true : option.defaultValue,
              "default"
            );
          }
        } else if (option.defaultValue !== void 0) {
          this.setOptionValueWithSource(name, option.defaultValue, "default");
        }
        const handleOptionValue = (val, invalidValueMessage, valueSource) => {
          if (val == null && option.presetArg !== void 0) {
            val = option.presetArg;
          }
          const oldValue = this.getOptionValue(name);
          if (val !== null && option.parseArg) {
            val = this._callParseArg(option, val, oldValue, invalidValueMessage);
          } else if (val !== null && option.variadic) {
            val = option._collectValue(val, oldValue);
          }
          if (val == null) {
            if (option.negate) {
              val = false;
            } else if (option.isBoolean() || option.optional) {
              val = true;
            } else {
              val = "";
            }
          }
          this.setOptionValueWithSource(name, val, valueSource);
        };
        this.on("option:" + oname, (val) => {
          const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
          handleOptionValue(val, invalidValueMessage, "cli");
        });
        if (option.envVar) {
          this.on("optionEnv:" + oname, (val) => {
            const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
            handleOptionValue(val, invalidValueMessage, "env");
          });
        }
        return this;
      }
      /**
       * Internal implementation shared by .option() and .requiredOption()
       *
       * @return {Command} `this` command for chaining
       * @private
       */
      _optionEx(config, flags, description, fn, defaultValue) {
        if (typeof flags === "object" && flags instanceof Option2) {
          throw new Error(
            "To add an Option object use addOption() instead of option() or requiredOption()"
          );
        }
        const option = this.createOption(flags, description);
        option.makeOptionMandatory(!!config.mandatory);
        if (typeof fn === "function") {
          option.default(defaultValue).argParser(fn);
        } else if (fn instanceof RegExp) {
          const regex = fn;
          fn = (val, def) => {
            const m = regex.exec(val);
            return m ? m[0] : def;
          };
          option.default(defaultValue).argParser(fn);
        } else {
          option.default(fn);
        }
        return this.addOption(option);
      }
      /**
       * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
       *
       * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
       * option-argument is indicated by `<>` and an optional option-argument by `[]`.
       *
       * See the README for more details, and see also addOption() and requiredOption().
       *
       * @example
       * program
       *     .option('-p, --pepper', 'add pepper')
       *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
       *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
       *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
       *
       * @param {string} flags
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom option processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      option(flags, description, parseArg, defaultValue) {
        return this._optionEx({}, flags, description, parseArg, defaultValue);
      }
      /**
       * Add a required option which must have a value after parsing. This usually means
       * the option must be specified on the command line. (Otherwise the same as .option().)
       *
       * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
       *
       * @param {string} flags
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom option processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      requiredOption(flags, description, parseArg, defaultValue) {
        return this._optionEx(
          { mandatory: true },
          flags,
          description,
          parseArg,
          defaultValue
        );
      }
      /**
       * Alter parsing of short flags with optional values.
       *
       * @example
       * // for `.option('-f,--flag [value]'):
       * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
       * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
       *
       * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
       * @return {Command} `this` command for chaining
       */
      combineFlagAndOptionalValue(combine = true) {
        this._combineFlagAndOptionalValue = !!combine;
        return this;
      }
      /**
       * Allow unknown options on the command line.
       *
       * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
       * @return {Command} `this` command for chaining
       */
      allowUnknownOption(allowUnknown = true) {
        this._allowUnknownOption = !!allowUnknown;
        return this;
      }
      /**
       * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
       *
       * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
       * @return {Command} `this` command for chaining
       */
      allowExcessArguments(allowExcess = true) {
        this._allowExcessArguments = !!allowExcess;
        return this;
      }
      /**
       * Enable positional options. Positional means global options are specified before subcommands which lets
       * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
       * The default behaviour is non-positional and global options may appear anywhere on the command line.
       *
       * @param {boolean} [positional]
       * @return {Command} `this` command for chaining
       */
      enablePositionalOptions(positional = true) {
        this._enablePositionalOptions = !!positional;
        return this;
      }
      /**
       * Pass through options that come after command-arguments rather than treat them as command-options,
       * so actual command-options come before command-arguments. Turning this on for a subcommand requires
       * positional options to have been enabled on the program (parent commands).
       * The default behaviour is non-positional and options may appear before or after command-arguments.
       *
       * @param {boolean} [passThrough] for unknown options.
       * @return {Command} `this` command for chaining
       */
      passThroughOptions(passThrough = true) {
        this._passThroughOptions = !!passThrough;
        this._checkForBrokenPassThrough();
        return this;
      }
      /**
       * @private
       */
      _checkForBrokenPassThrough() {
        if (this.parent && this._passThroughOptions && !this.parent._enablePositionalOptions) {
          throw new Error(
            `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`
          );
        }
      }
      /**
       * Whether to store option values as properties on command object,
       * or store separately (specify false). In both cases the option values can be accessed using .opts().
       *
       * @param {boolean} [storeAsProperties=true]
       * @return {Command} `this` command for chaining
       */
      storeOptionsAsProperties(storeAsProperties = true) {
        if (this.options.length) {
          throw new Error("call .storeOptionsAsProperties() before adding options");
        }
        if (Object.keys(this._optionValues).length) {
          throw new Error(
            "call .storeOptionsAsProperties() before setting option values"
          );
        }
        this._storeOptionsAsProperties = !!storeAsProperties;
        return this;
      }
      /**
       * Retrieve option value.
       *
       * @param {string} key
       * @return {object} value
       */
      getOptionValue(key) {
        if (this._storeOptionsAsProperties) {
          return this[key];
        }
        return this._optionValues[key];
      }
      /**
       * Store option value.
       *
       * @param {string} key
       * @param {object} value
       * @return {Command} `this` command for chaining
       */
      setOptionValue(key, value) {
        return this.setOptionValueWithSource(key, value, void 0);
      }
      /**
       * Store option value and where the value came from.
       *
       * @param {string} key
       * @param {object} value
       * @param {string} source - expected values are default/config/env/cli/implied
       * @return {Command} `this` command for chaining
       */
      setOptionValueWithSource(key, value, source) {
        if (this._storeOptionsAsProperties) {
          this[key] = value;
        } else {
          this._optionValues[key] = value;
        }
        this._optionValueSources[key] = source;
        return this;
      }
      /**
       * Get source of option value.
       * Expected values are default | config | env | cli | implied
       *
       * @param {string} key
       * @return {string}
       */
      getOptionValueSource(key) {
        return this._optionValueSources[key];
      }
      /**
       * Get source of option value. See also .optsWithGlobals().
       * Expected values are default | config | env | cli | implied
       *
       * @param {string} key
       * @return {string}
       */
      getOptionValueSourceWithGlobals(key) {
        let source;
        this._getCommandAndAncestors().forEach((cmd) => {
          if (cmd.getOptionValueSource(key) !== void 0) {
            source = cmd.getOptionValueSource(key);
          }
        });
        return source;
      }
      /**
       * Get user arguments from implied or explicit arguments.
       * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
       *
       * @private
       */
      _prepareUserArgs(argv, parseOptions) {
        if (argv !== void 0 && !Array.isArray(argv)) {
          throw new Error("first parameter to parse must be array or undefined");
        }
        parseOptions = parseOptions || {};
        if (argv === void 0 && parseOptions.from === void 0) {
          if (process2.versions?.electron) {
            parseOptions.from = "electron";
          }
          const execArgv = process2.execArgv ?? [];
          if (execArgv.includes("-e") || execArgv.includes("--eval") || execArgv.includes("-p") || execArgv.includes("--print")) {
            parseOptions.from = "eval";
          }
        }
        if (argv === void 0) {
          argv = process2.argv;
        }
        this.rawArgs = argv.slice();
        let userArgs;
        switch (parseOptions.from) {
          case void 0:
          case "node":
            this._scriptPath = argv[1];
            userArgs = argv.slice(2);
            break;
          case "electron":
            if (process2.defaultApp) {
              this._scriptPath = argv[1];
              userArgs = argv.slice(2);
            } else {
              userArgs = argv.slice(1);
            }
            break;
          case "user":
            userArgs = argv.slice(0);
            break;
          case "eval":
            userArgs = argv.slice(1);
            break;
          default:
            throw new Error(
              `unexpected parse option { from: '${parseOptions.from}' }`
            );
        }
        if (!this._name && this._scriptPath)
          this.nameFromFilename(this._scriptPath);
        this._name = this._name || "program";
        return userArgs;
      }
      /**
       * Parse `argv`, setting options and invoking commands when defined.
       *
       * Use parseAsync instead of parse if any of your action handlers are async.
       *
       * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
       *
       * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
       * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
       * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
       * - `'user'`: just user arguments
       *
       * @example
       * program.parse(); // parse process.argv and auto-detect electron and special node flags
       * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
       * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
       *
       * @param {string[]} [argv] - optional, defaults to process.argv
       * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
       * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
       * @return {Command} `this` command for chaining
       */
      parse(argv, parseOptions) {
        this._prepareForParse();
        const userArgs = this._prepareUserArgs(argv, parseOptions);
        this._parseCommand([], userArgs);
        return this;
      }
      /**
       * Parse `argv`, setting options and invoking commands when defined.
       *
       * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
       *
       * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
       * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
       * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
       * - `'user'`: just user arguments
       *
       * @example
       * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
       * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
       * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
       *
       * @param {string[]} [argv]
       * @param {object} [parseOptions]
       * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
       * @return {Promise}
       */
      async parseAsync(argv, parseOptions) {
        this._prepareForParse();
        const userArgs = this._prepareUserArgs(argv, parseOptions);
        await this._parseCommand([], userArgs);
        return this;
      }
      _prepareForParse() {
        if (this._savedState === null) {
          this.saveStateBeforeParse();
        } else {
          this.restoreStateBeforeParse();
        }
      }
      /**
       * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
       * Not usually called directly, but available for subclasses to save their custom state.
       *
       * This is called in a lazy way. Only commands used in parsing chain will have state saved.
       */
      saveStateBeforeParse() {
        this._savedState = {
          // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
          _name: this._name,
          // option values before parse have default values (including false for negated options)
          // shallow clones
          _optionValues: { ...this._optionValues },
          _optionValueSources: { ...this._optionValueSources }
        };
      }
      /**
       * Restore state before parse for calls after the first.
       * Not usually called directly, but available for subclasses to save their custom state.
       *
       * This is called in a lazy way. Only commands used in parsing chain will have state restored.
       */
      restoreStateBeforeParse() {
        if (this._storeOptionsAsProperties)
          throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);
        this._name = this._savedState._name;
        this._scriptPath = null;
        this.rawArgs = [];
        this._optionValues = { ...this._savedState._optionValues };
        this._optionValueSources = { ...this._savedState._optionValueSources };
        this.args = [];
        this.processedArgs = [];
      }
      /**
       * Throw if expected executable is missing. Add lots of help for author.
       *
       * @param {string} executableFile
       * @param {string} executableDir
       * @param {string} subcommandName
       */
      _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
        if (fs.existsSync(executableFile)) return;
        const executableDirMessage = executableDir ? `searched for local subcommand relative to directory '${executableDir}'` : "no directory for search for local subcommand, use .executableDir() to supply a custom directory";
        const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
        throw new Error(executableMissing);
      }
      /**
       * Execute a sub-command executable.
       *
       * @private
       */
      _executeSubCommand(subcommand, args) {
        args = args.slice();
        let launchWithNode = false;
        const sourceExt = [".js", ".ts", ".tsx", ".mjs", ".cjs"];
        function findFile(baseDir, baseName) {
          const localBin = path.resolve(baseDir, baseName);
          if (fs.existsSync(localBin)) return localBin;
          if (sourceExt.includes(path.extname(baseName))) return void 0;
          const foundExt = sourceExt.find(
            (ext) => fs.existsSync(`${localBin}${ext}`)
          );
          if (foundExt) return `${localBin}${foundExt}`;
          return void 0;
        }
        this._checkForMissingMandatoryOptions();
        this._checkForConflictingOptions();
        let executableFile = subcommand._executableFile || `${this._name}-${subcommand._name}`;
        let executableDir = this._executableDir || "";
        if (this._scriptPath) {
          let resolvedScriptPath;
          try {
            resolvedScriptPath = fs.realpathSync(this._scriptPath);
          } catch {
            resolvedScriptPath = this._scriptPath;
          }
          executableDir = path.resolve(
            path.dirname(resolvedScriptPath),
            executableDir
          );
        }
        if (executableDir) {
          let localFile = findFile(executableDir, executableFile);
          if (!localFile && !subcommand._executableFile && this._scriptPath) {
            const legacyName = path.basename(
              this._scriptPath,
              path.extname(this._scriptPath)
            );
            if (legacyName !== this._name) {
              localFile = findFile(
                executableDir,
                `${legacyName}-${subcommand._name}`
              );
            }
          }
          executableFile = localFile || executableFile;
        }
        launchWithNode = sourceExt.includes(path.extname(executableFile));
        let proc;
        if (process2.platform !== "win32") {
          if (launchWithNode) {
            args.unshift(executableFile);
            args = incrementNodeInspectorPort(process2.execArgv).concat(args);
            proc = childProcess.spawn(process2.argv[0], args, { stdio: "inherit" });
          } else {
            proc = childProcess.spawn(executableFile, args, { stdio: "inherit" });
          }
        } else {
          this._checkForMissingExecutable(
            executableFile,
            executableDir,
            subcommand._name
          );
          args.unshift(executableFile);
          args = incrementNodeInspectorPort(process2.execArgv).concat(args);
          proc = childProcess.spawn(process2.execPath, args, { stdio: "inherit" });
        }
        if (!proc.killed) {
          const signals = ["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGHUP"];
          signals.forEach((signal2) => {
            process2.on(signal2, () => {
              if (proc.killed === false && proc.exitCode === null) {
                proc.kill(signal2);
              }
            });
          });
        }
        const exitCallback = this._exitCallback;
        proc.on("close", (code) => {
          code = code ?? 1;
          if (!exitCallback) {
            process2.exit(code);
          } else {
            exitCallback(
              new CommanderError2(
                code,
                "commander.executeSubCommandAsync",
                "(close)"
              )
            );
          }
        });
        proc.on("error", (err) => {
          if (err.code === "ENOENT") {
            this._checkForMissingExecutable(
              executableFile,
              executableDir,
              subcommand._name
            );
          } else if (err.code === "EACCES") {
            throw new Error(`'${executableFile}' not executable`);
          }
          if (!exitCallback) {
            process2.exit(1);
          } else {
            const wrappedError = new CommanderError2(
              1,
              "commander.executeSubCommandAsync",
              "(error)"
            );
            wrappedError.nestedError = err;
            exitCallback(wrappedError);
          }
        });
        this.runningCommand = proc;
      }
      /**
       * @private
       */
      _dispatchSubcommand(commandName, operands, unknown) {
        const subCommand = this._findCommand(commandName);
        if (!subCommand) this.help({ error: true });
        subCommand._prepareForParse();
        let promiseChain;
        promiseChain = this._chainOrCallSubCommandHook(
          promiseChain,
          subCommand,
          "preSubcommand"
        );
        promiseChain = this._chainOrCall(promiseChain, () => {
          if (subCommand._executableHandler) {
            this._executeSubCommand(subCommand, operands.concat(unknown));
          } else {
            return subCommand._parseCommand(operands, unknown);
          }
        });
        return promiseChain;
      }
      /**
       * Invoke help directly if possible, or dispatch if necessary.
       * e.g. help foo
       *
       * @private
       */
      _dispatchHelpCommand(subcommandName) {
        if (!subcommandName) {
          this.help();
        }
        const subCommand = this._findCommand(subcommandName);
        if (subCommand && !subCommand._executableHandler) {
          subCommand.help();
        }
        return this._dispatchSubcommand(
          subcommandName,
          [],
          [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? "--help"]
        );
      }
      /**
       * Check this.args against expected this.registeredArguments.
       *
       * @private
       */
      _checkNumberOfArguments() {
        this.registeredArguments.forEach((arg, i) => {
          if (arg.required && this.args[i] == null) {
            this.missingArgument(arg.name());
          }
        });
        if (this.registeredArguments.length > 0 && this.registeredArguments[this.registeredArguments.length - 1].variadic) {
          return;
        }
        if (this.args.length > this.registeredArguments.length) {
          this._excessArguments(this.args);
        }
      }
      /**
       * Process this.args using this.registeredArguments and save as this.processedArgs!
       *
       * @private
       */
      _processArguments() {
        const myParseArg = (argument, value, previous) => {
          let parsedValue = value;
          if (value !== null && argument.parseArg) {
            const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
            parsedValue = this._callParseArg(
              argument,
              value,
              previous,
              invalidValueMessage
            );
          }
          return parsedValue;
        };
        this._checkNumberOfArguments();
        const processedArgs = [];
        this.registeredArguments.forEach((declaredArg, index) => {
          let value = declaredArg.defaultValue;
          if (declaredArg.variadic) {
            if (index < this.args.length) {
              value = this.args.slice(index);
              if (declaredArg.parseArg) {
                value = value.reduce((processed, v) => {
                  return myParseArg(declaredArg, v, processed);
                }, declaredArg.defaultValue);
              }
            } else if (value === void 0) {
              value = [];
            }
          } else if (index < this.args.length) {
            value = this.args[index];
            if (declaredArg.parseArg) {
              value = myParseArg(declaredArg, value, declaredArg.defaultValue);
            }
          }
          processedArgs[index] = value;
        });
        this.processedArgs = processedArgs;
      }
      /**
       * Once we have a promise we chain, but call synchronously until then.
       *
       * @param {(Promise|undefined)} promise
       * @param {Function} fn
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCall(promise, fn) {
        if (promise?.then && typeof promise.then === "function") {
          return promise.then(() => fn());
        }
        return fn();
      }
      /**
       *
       * @param {(Promise|undefined)} promise
       * @param {string} event
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCallHooks(promise, event) {
        let result2 = promise;
        const hooks = [];
        this._getCommandAndAncestors().reverse().filter((cmd) => cmd._lifeCycleHooks[event] !== void 0).forEach((hookedCommand) => {
          hookedCommand._lifeCycleHooks[event].forEach((callback) => {
            hooks.push({ hookedCommand, callback });
          });
        });
        if (event === "postAction") {
          hooks.reverse();
        }
        hooks.forEach((hookDetail) => {
          result2 = this._chainOrCall(result2, () => {
            return hookDetail.callback(hookDetail.hookedCommand, this);
          });
        });
        return result2;
      }
      /**
       *
       * @param {(Promise|undefined)} promise
       * @param {Command} subCommand
       * @param {string} event
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCallSubCommandHook(promise, subCommand, event) {
        let result2 = promise;
        if (this._lifeCycleHooks[event] !== void 0) {
          this._lifeCycleHooks[event].forEach((hook) => {
            result2 = this._chainOrCall(result2, () => {
              return hook(this, subCommand);
            });
          });
        }
        return result2;
      }
      /**
       * Process arguments in context of this command.
       * Returns action result, in case it is a promise.
       *
       * @private
       */
      _parseCommand(operands, unknown) {
        const parsed = this.parseOptions(unknown);
        this._parseOptionsEnv();
        this._parseOptionsImplied();
        operands = operands.concat(parsed.operands);
        unknown = parsed.unknown;
        this.args = operands.concat(unknown);
        if (operands && this._findCommand(operands[0])) {
          return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
        }
        if (this._getHelpCommand() && operands[0] === this._getHelpCommand().name()) {
          return this._dispatchHelpCommand(operands[1]);
        }
        if (this._defaultCommandName) {
          this._outputHelpIfRequested(unknown);
          return this._dispatchSubcommand(
            this._defaultCommandName,
            operands,
            unknown
          );
        }
        if (this.commands.length && this.args.length === 0 && !this._actionHandler && !this._defaultCommandName) {
          this.help({ error: true });
        }
        this._outputHelpIfRequested(parsed.unknown);
        this._checkForMissingMandatoryOptions();
        this._checkForConflictingOptions();
        const checkForUnknownOptions = () => {
          if (parsed.unknown.length > 0) {
            this.unknownOption(parsed.unknown[0]);
          }
        };
        const commandEvent = `command:${this.name()}`;
        if (this._actionHandler) {
          checkForUnknownOptions();
          this._processArguments();
          let promiseChain;
          promiseChain = this._chainOrCallHooks(promiseChain, "preAction");
          promiseChain = this._chainOrCall(
            promiseChain,
            () => this._actionHandler(this.processedArgs)
          );
          if (this.parent) {
            promiseChain = this._chainOrCall(promiseChain, () => {
              this.parent.emit(commandEvent, operands, unknown);
            });
          }
          promiseChain = this._chainOrCallHooks(promiseChain, "postAction");
          return promiseChain;
        }
        if (this.parent?.listenerCount(commandEvent)) {
          checkForUnknownOptions();
          this._processArguments();
          this.parent.emit(commandEvent, operands, unknown);
        } else if (operands.length) {
          if (this._findCommand("*")) {
            return this._dispatchSubcommand("*", operands, unknown);
          }
          if (this.listenerCount("command:*")) {
            this.emit("command:*", operands, unknown);
          } else if (this.commands.length) {
            this.unknownCommand();
          } else {
            checkForUnknownOptions();
            this._processArguments();
          }
        } else if (this.commands.length) {
          checkForUnknownOptions();
          this.help({ error: true });
        } else {
          checkForUnknownOptions();
          this._processArguments();
        }
      }
      /**
       * Find matching command.
       *
       * @private
       * @return {Command | undefined}
       */
      _findCommand(name) {
        if (!name) return void 0;
        return this.commands.find(
          (cmd) => cmd._name === name || cmd._aliases.includes(name)
        );
      }
      /**
       * Return an option matching `arg` if any.
       *
       * @param {string} arg
       * @return {Option}
       * @package
       */
      _findOption(arg) {
        return this.options.find((option) => option.is(arg));
      }
      /**
       * Display an error message if a mandatory option does not have a value.
       * Called after checking for help flags in leaf subcommand.
       *
       * @private
       */
      _checkForMissingMandatoryOptions() {
        this._getCommandAndAncestors().forEach((cmd) => {
          cmd.options.forEach((anOption) => {
            if (anOption.mandatory && cmd.getOptionValue(anOption.attributeName()) === void 0) {
              cmd.missingMandatoryOptionValue(anOption);
            }
          });
        });
      }
      /**
       * Display an error message if conflicting options are used together in this.
       *
       * @private
       */
      _checkForConflictingLocalOptions() {
        const definedNonDefaultOptions = this.options.filter((option) => {
          const optionKey = option.attributeName();
          if (this.getOptionValue(optionKey) === void 0) {
            return false;
          }
          return this.getOptionValueSource(optionKey) !== "default";
        });
        const optionsWithConflicting = definedNonDefaultOptions.filter(
          (option) => option.conflictsWith.length > 0
        );
        optionsWithConflicting.forEach((option) => {
          const conflictingAndDefined = definedNonDefaultOptions.find(
            (defined) => option.conflictsWith.includes(defined.attributeName())
          );
          if (conflictingAndDefined) {
            this._conflictingOption(option, conflictingAndDefined);
          }
        });
      }
      /**
       * Display an error message if conflicting options are used together.
       * Called after checking for help flags in leaf subcommand.
       *
       * @private
       */
      _checkForConflictingOptions() {
        this._getCommandAndAncestors().forEach((cmd) => {
          cmd._checkForConflictingLocalOptions();
        });
      }
      /**
       * Parse options from `argv` removing known options,
       * and return argv split into operands and unknown arguments.
       *
       * Side effects: modifies command by storing options. Does not reset state if called again.
       *
       * Examples:
       *
       *     argv => operands, unknown
       *     --known kkk op => [op], []
       *     op --known kkk => [op], []
       *     sub --unknown uuu op => [sub], [--unknown uuu op]
       *     sub -- --unknown uuu op => [sub --unknown uuu op], []
       *
       * @param {string[]} args
       * @return {{operands: string[], unknown: string[]}}
       */
      parseOptions(args) {
        const operands = [];
        const unknown = [];
        let dest = operands;
        function maybeOption(arg) {
          return arg.length > 1 && arg[0] === "-";
        }
        const negativeNumberArg = (arg) => {
          if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
          return !this._getCommandAndAncestors().some(
            (cmd) => cmd.options.map((opt) => opt.short).some((short) => /^-\d$/.test(short))
          );
        };
        let activeVariadicOption = null;
        let activeGroup = null;
        let i = 0;
        while (i < args.length || activeGroup) {
          const arg = activeGroup ?? args[i++];
          activeGroup = null;
          if (arg === "--") {
            if (dest === unknown) dest.push(arg);
            dest.push(...args.slice(i));
            break;
          }
          if (activeVariadicOption && (!maybeOption(arg) || negativeNumberArg(arg))) {
            this.emit(`option:${activeVariadicOption.name()}`, arg);
            continue;
          }
          activeVariadicOption = null;
          if (maybeOption(arg)) {
            const option = this._findOption(arg);
            if (option) {
              if (option.required) {
                const value = args[i++];
                if (value === void 0) this.optionMissingArgument(option);
                this.emit(`option:${option.name()}`, value);
              } else if (option.optional) {
                let value = null;
                if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) {
                  value = args[i++];
                }
                this.emit(`option:${option.name()}`, value);
              } else {
                this.emit(`option:${option.name()}`);
              }
              activeVariadicOption = option.variadic ? option : null;
              continue;
            }
          }
          if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
            const option = this._findOption(`-${arg[1]}`);
            if (option) {
              if (option.required || option.optional && this._combineFlagAndOptionalValue) {
                this.emit(`option:${option.name()}`, arg.slice(2));
              } else {
                this.emit(`option:${option.name()}`);
                activeGroup = `-${arg.slice(2)}`;
              }
              continue;
            }
          }
          if (/^--[^=]+=/.test(arg)) {
            const index = arg.indexOf("=");
            const option = this._findOption(arg.slice(0, index));
            if (option && (option.required || option.optional)) {
              this.emit(`option:${option.name()}`, arg.slice(index + 1));
              continue;
            }
          }
          if (dest === operands && maybeOption(arg) && !(this.commands.length === 0 && negativeNumberArg(arg))) {
            dest = unknown;
          }
          if ((this._enablePositionalOptions || this._passThroughOptions) && operands.length === 0 && unknown.length === 0) {
            if (this._findCommand(arg)) {
              operands.push(arg);
              unknown.push(...args.slice(i));
              break;
            } else if (this._getHelpCommand() && arg === this._getHelpCommand().name()) {
              operands.push(arg, ...args.slice(i));
              break;
            } else if (this._defaultCommandName) {
              unknown.push(arg, ...args.slice(i));
              break;
            }
          }
          if (this._passThroughOptions) {
            dest.push(arg, ...args.slice(i));
            break;
          }
          dest.push(arg);
        }
        return { operands, unknown };
      }
      /**
       * Return an object containing local option values as key-value pairs.
       *
       * @return {object}
       */
      opts() {
        if (this._storeOptionsAsProperties) {
          const result2 = {};
          const len = this.options.length;
          for (let i = 0; i < len; i++) {
            const key = this.options[i].attributeName();
            result2[key] = key === this._versionOptionName ? this._version : this[key];
          }
          return result2;
        }
        return this._optionValues;
      }
      /**
       * Return an object containing merged local and global option values as key-value pairs.
       *
       * @return {object}
       */
      optsWithGlobals() {
        return this._getCommandAndAncestors().reduce(
          (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
          {}
        );
      }
      /**
       * Display error message and exit (or call exitOverride).
       *
       * @param {string} message
       * @param {object} [errorOptions]
       * @param {string} [errorOptions.code] - an id string representing the error
       * @param {number} [errorOptions.exitCode] - used with process.exit
       */
      error(message, errorOptions) {
        this._outputConfiguration.outputError(
          `${message}
`,
          this._outputConfiguration.writeErr
        );
        if (typeof this._showHelpAfterError === "string") {
          this._outputConfiguration.writeErr(`${this._showHelpAfterError}
`);
        } else if (this._showHelpAfterError) {
          this._outputConfiguration.writeErr("\n");
          this.outputHelp({ error: true });
        }
        const config = errorOptions || {};
        const exitCode = config.exitCode || 1;
        const code = config.code || "commander.error";
        this._exit(exitCode, code, message);
      }
      /**
       * Apply any option related environment variables, if option does
       * not have a value from cli or client code.
       *
       * @private
       */
      _parseOptionsEnv() {
        this.options.forEach((option) => {
          if (option.envVar && option.envVar in process2.env) {
            const optionKey = option.attributeName();
            if (this.getOptionValue(optionKey) === void 0 || ["default", "config", "env"].includes(
              this.getOptionValueSource(optionKey)
            )) {
              if (option.required || option.optional) {
                this.emit(`optionEnv:${option.name()}`, process2.env[option.envVar]);
              } else {
                this.emit(`optionEnv:${option.name()}`);
              }
            }
          }
        });
      }
      /**
       * Apply any implied option values, if option is undefined or default value.
       *
       * @private
       */
      _parseOptionsImplied() {
        const dualHelper = new DualOptions(this.options);
        const hasCustomOptionValue = (optionKey) => {
          return this.getOptionValue(optionKey) !== void 0 && !["default", "implied"].includes(this.getOptionValueSource(optionKey));
        };
        this.options.filter(
          (option) => option.implied !== void 0 && hasCustomOptionValue(option.attributeName()) && dualHelper.valueFromOption(
            this.getOptionValue(option.attributeName()),
            option
          )
        ).forEach((option) => {
          Object.keys(option.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
            this.setOptionValueWithSource(
              impliedKey,
              option.implied[impliedKey],
              "implied"
            );
          });
        });
      }
      /**
       * Argument `name` is missing.
       *
       * @param {string} name
       * @private
       */
      missingArgument(name) {
        const message = `error: missing required argument '${name}'`;
        this.error(message, { code: "commander.missingArgument" });
      }
      /**
       * `Option` is missing an argument.
       *
       * @param {Option} option
       * @private
       */
      optionMissingArgument(option) {
        const message = `error: option '${option.flags}' argument missing`;
        this.error(message, { code: "commander.optionMissingArgument" });
      }
      /**
       * `Option` does not have a value, and is a mandatory option.
       *
       * @param {Option} option
       * @private
       */
      missingMandatoryOptionValue(option) {
        const message = `error: required option '${option.flags}' not specified`;
        this.error(message, { code: "commander.missingMandatoryOptionValue" });
      }
      /**
       * `Option` conflicts with another option.
       *
       * @param {Option} option
       * @param {Option} conflictingOption
       * @private
       */
      _conflictingOption(option, conflictingOption) {
        const findBestOptionFromValue = (option2) => {
          const optionKey = option2.attributeName();
          const optionValue = this.getOptionValue(optionKey);
          const negativeOption = this.options.find(
            (target) => target.negate && optionKey === target.attributeName()
          );
          const positiveOption = this.options.find(
            (target) => !target.negate && optionKey === target.attributeName()
          );
          if (negativeOption && (negativeOption.presetArg === void 0 && optionValue === false || negativeOption.presetArg !== void 0 && optionValue === negativeOption.presetArg)) {
            return negativeOption;
          }
          return positiveOption || option2;
        };
        const getErrorMessage = (option2) => {
          const bestOption = findBestOptionFromValue(option2);
          const optionKey = bestOption.attributeName();
          const source = this.getOptionValueSource(optionKey);
          if (source === "env") {
            return `environment variable '${bestOption.envVar}'`;
          }
          return `option '${bestOption.flags}'`;
        };
        const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
        this.error(message, { code: "commander.conflictingOption" });
      }
      /**
       * Unknown option `flag`.
       *
       * @param {string} flag
       * @private
       */
      unknownOption(flag) {
        if (this._allowUnknownOption) return;
        let suggestion = "";
        if (flag.startsWith("--") && this._showSuggestionAfterError) {
          let candidateFlags = [];
          let command = this;
          do {
            const moreFlags = command.createHelp().visibleOptions(command).filter((option) => option.long).map((option) => option.long);
            candidateFlags = candidateFlags.concat(moreFlags);
            command = command.parent;
          } while (command && !command._enablePositionalOptions);
          suggestion = suggestSimilar(flag, candidateFlags);
        }
        const message = `error: unknown option '${flag}'${suggestion}`;
        this.error(message, { code: "commander.unknownOption" });
      }
      /**
       * Excess arguments, more than expected.
       *
       * @param {string[]} receivedArgs
       * @private
       */
      _excessArguments(receivedArgs) {
        if (this._allowExcessArguments) return;
        const expected = this.registeredArguments.length;
        const s = expected === 1 ? "" : "s";
        const forSubcommand = this.parent ? ` for '${this.name()}'` : "";
        const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
        this.error(message, { code: "commander.excessArguments" });
      }
      /**
       * Unknown command.
       *
       * @private
       */
      unknownCommand() {
        const unknownName = this.args[0];
        let suggestion = "";
        if (this._showSuggestionAfterError) {
          const candidateNames = [];
          this.createHelp().visibleCommands(this).forEach((command) => {
            candidateNames.push(command.name());
            if (command.alias()) candidateNames.push(command.alias());
          });
          suggestion = suggestSimilar(unknownName, candidateNames);
        }
        const message = `error: unknown command '${unknownName}'${suggestion}`;
        this.error(message, { code: "commander.unknownCommand" });
      }
      /**
       * Get or set the program version.
       *
       * This method auto-registers the "-V, --version" option which will print the version number.
       *
       * You can optionally supply the flags and description to override the defaults.
       *
       * @param {string} [str]
       * @param {string} [flags]
       * @param {string} [description]
       * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
       */
      version(str, flags, description) {
        if (str === void 0) return this._version;
        this._version = str;
        flags = flags || "-V, --version";
        description = description || "output the version number";
        const versionOption = this.createOption(flags, description);
        this._versionOptionName = versionOption.attributeName();
        this._registerOption(versionOption);
        this.on("option:" + versionOption.name(), () => {
          this._outputConfiguration.writeOut(`${str}
`);
          this._exit(0, "commander.version", str);
        });
        return this;
      }
      /**
       * Set the description.
       *
       * @param {string} [str]
       * @param {object} [argsDescription]
       * @return {(string|Command)}
       */
      description(str, argsDescription) {
        if (str === void 0 && argsDescription === void 0)
          return this._description;
        this._description = str;
        if (argsDescription) {
          this._argsDescription = argsDescription;
        }
        return this;
      }
      /**
       * Set the summary. Used when listed as subcommand of parent.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      summary(str) {
        if (str === void 0) return this._summary;
        this._summary = str;
        return this;
      }
      /**
       * Set an alias for the command.
       *
       * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
       *
       * @param {string} [alias]
       * @return {(string|Command)}
       */
      alias(alias) {
        if (alias === void 0) return this._aliases[0];
        let command = this;
        if (this.commands.length !== 0 && this.commands[this.commands.length - 1]._executableHandler) {
          command = this.commands[this.commands.length - 1];
        }
        if (alias === command._name)
          throw new Error("Command alias can't be the same as its name");
        const matchingCommand = this.parent?._findCommand(alias);
        if (matchingCommand) {
          const existingCmd = [matchingCommand.name()].concat(matchingCommand.aliases()).join("|");
          throw new Error(
            `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`
          );
        }
        command._aliases.push(alias);
        return this;
      }
      /**
       * Set aliases for the command.
       *
       * Only the first alias is shown in the auto-generated help.
       *
       * @param {string[]} [aliases]
       * @return {(string[]|Command)}
       */
      aliases(aliases) {
        if (aliases === void 0) return this._aliases;
        aliases.forEach((alias) => this.alias(alias));
        return this;
      }
      /**
       * Set / get the command usage `str`.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      usage(str) {
        if (str === void 0) {
          if (this._usage) return this._usage;
          const args = this.registeredArguments.map((arg) => {
            return humanReadableArgName(arg);
          });
          return [].concat(
            this.options.length || this._helpOption !== null ? "[options]" : [],
            this.commands.length ? "[command]" : [],
            this.registeredArguments.length ? args : []
          ).join(" ");
        }
        this._usage = str;
        return this;
      }
      /**
       * Get or set the name of the command.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      name(str) {
        if (str === void 0) return this._name;
        this._name = str;
        return this;
      }
      /**
       * Set/get the help group heading for this subcommand in parent command's help.
       *
       * @param {string} [heading]
       * @return {Command | string}
       */
      helpGroup(heading) {
        if (heading === void 0) return this._helpGroupHeading ?? "";
        this._helpGroupHeading = heading;
        return this;
      }
      /**
       * Set/get the default help group heading for subcommands added to this command.
       * (This does not override a group set directly on the subcommand using .helpGroup().)
       *
       * @example
       * program.commandsGroup('Development Commands:);
       * program.command('watch')...
       * program.command('lint')...
       * ...
       *
       * @param {string} [heading]
       * @returns {Command | string}
       */
      commandsGroup(heading) {
        if (heading === void 0) return this._defaultCommandGroup ?? "";
        this._defaultCommandGroup = heading;
        return this;
      }
      /**
       * Set/get the default help group heading for options added to this command.
       * (This does not override a group set directly on the option using .helpGroup().)
       *
       * @example
       * program
       *   .optionsGroup('Development Options:')
       *   .option('-d, --debug', 'output extra debugging')
       *   .option('-p, --profile', 'output profiling information')
       *
       * @param {string} [heading]
       * @returns {Command | string}
       */
      optionsGroup(heading) {
        if (heading === void 0) return this._defaultOptionGroup ?? "";
        this._defaultOptionGroup = heading;
        return this;
      }
      /**
       * @param {Option} option
       * @private
       */
      _initOptionGroup(option) {
        if (this._defaultOptionGroup && !option.helpGroupHeading)
          option.helpGroup(this._defaultOptionGroup);
      }
      /**
       * @param {Command} cmd
       * @private
       */
      _initCommandGroup(cmd) {
        if (this._defaultCommandGroup && !cmd.helpGroup())
          cmd.helpGroup(this._defaultCommandGroup);
      }
      /**
       * Set the name of the command from script filename, such as process.argv[1],
       * or require.main.filename, or __filename.
       *
       * (Used internally and public although not documented in README.)
       *
       * @example
       * program.nameFromFilename(require.main.filename);
       *
       * @param {string} filename
       * @return {Command}
       */
      nameFromFilename(filename) {
        this._name = path.basename(filename, path.extname(filename));
        return this;
      }
      /**
       * Get or set the directory for searching for executable subcommands of this command.
       *
       * @example
       * program.executableDir(__dirname);
       * // or
       * program.executableDir('subcommands');
       *
       * @param {string} [path]
       * @return {(string|null|Command)}
       */
      executableDir(path2) {
        if (path2 === void 0) return this._executableDir;
        this._executableDir = path2;
        return this;
      }
      /**
       * Return program help documentation.
       *
       * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
       * @return {string}
       */
      helpInformation(contextOptions) {
        const helper = this.createHelp();
        const context = this._getOutputContext(contextOptions);
        helper.prepareContext({
          error: context.error,
          helpWidth: context.helpWidth,
          outputHasColors: context.hasColors
        });
        const text2 = helper.formatHelp(this, helper);
        if (context.hasColors) return text2;
        return this._outputConfiguration.stripColor(text2);
      }
      /**
       * @typedef HelpContext
       * @type {object}
       * @property {boolean} error
       * @property {number} helpWidth
       * @property {boolean} hasColors
       * @property {function} write - includes stripColor if needed
       *
       * @returns {HelpContext}
       * @private
       */
      _getOutputContext(contextOptions) {
        contextOptions = contextOptions || {};
        const error = !!contextOptions.error;
        let baseWrite;
        let hasColors;
        let helpWidth;
        if (error) {
          baseWrite = (str) => this._outputConfiguration.writeErr(str);
          hasColors = this._outputConfiguration.getErrHasColors();
          helpWidth = this._outputConfiguration.getErrHelpWidth();
        } else {
          baseWrite = (str) => this._outputConfiguration.writeOut(str);
          hasColors = this._outputConfiguration.getOutHasColors();
          helpWidth = this._outputConfiguration.getOutHelpWidth();
        }
        const write = (str) => {
          if (!hasColors) str = this._outputConfiguration.stripColor(str);
          return baseWrite(str);
        };
        return { error, write, hasColors, helpWidth };
      }
      /**
       * Output help information for this command.
       *
       * Outputs built-in help, and custom text added using `.addHelpText()`.
       *
       * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
       */
      outputHelp(contextOptions) {
        let deprecatedCallback;
        if (typeof contextOptions === "function") {
          deprecatedCallback = contextOptions;
          contextOptions = void 0;
        }
        const outputContext = this._getOutputContext(contextOptions);
        const eventContext = {
          error: outputContext.error,
          write: outputContext.write,
          command: this
        };
        this._getCommandAndAncestors().reverse().forEach((command) => command.emit("beforeAllHelp", eventContext));
        this.emit("beforeHelp", eventContext);
        let helpInformation = this.helpInformation({ error: outputContext.error });
        if (deprecatedCallback) {
          helpInformation = deprecatedCallback(helpInformation);
          if (typeof helpInformation !== "string" && !Buffer.isBuffer(helpInformation)) {
            throw new Error("outputHelp callback must return a string or a Buffer");
          }
        }
        outputContext.write(helpInformation);
        if (this._getHelpOption()?.long) {
          this.emit(this._getHelpOption().long);
        }
        this.emit("afterHelp", eventContext);
        this._getCommandAndAncestors().forEach(
          (command) => command.emit("afterAllHelp", eventContext)
        );
      }
      /**
       * You can pass in flags and a description to customise the built-in help option.
       * Pass in false to disable the built-in help option.
       *
       * @example
       * program.helpOption('-?, --help' 'show help'); // customise
       * program.helpOption(false); // disable
       *
       * @param {(string | boolean)} flags
       * @param {string} [description]
       * @return {Command} `this` command for chaining
       */
      helpOption(flags, description) {
        if (typeof flags === "boolean") {
          if (flags) {
            if (this._helpOption === null) this._helpOption = void 0;
            if (this._defaultOptionGroup) {
              this._initOptionGroup(this._getHelpOption());
            }
          } else {
            this._helpOption = null;
          }
          return this;
        }
        this._helpOption = this.createOption(
          flags ?? "-h, --help",
          description ?? "display help for command"
        );
        if (flags || description) this._initOptionGroup(this._helpOption);
        return this;
      }
      /**
       * Lazy create help option.
       * Returns null if has been disabled with .helpOption(false).
       *
       * @returns {(Option | null)} the help option
       * @package
       */
      _getHelpOption() {
        if (this._helpOption === void 0) {
          this.helpOption(void 0, void 0);
        }
        return this._helpOption;
      }
      /**
       * Supply your own option to use for the built-in help option.
       * This is an alternative to using helpOption() to customise the flags and description etc.
       *
       * @param {Option} option
       * @return {Command} `this` command for chaining
       */
      addHelpOption(option) {
        this._helpOption = option;
        this._initOptionGroup(option);
        return this;
      }
      /**
       * Output help information and exit.
       *
       * Outputs built-in help, and custom text added using `.addHelpText()`.
       *
       * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
       */
      help(contextOptions) {
        this.outputHelp(contextOptions);
        let exitCode = Number(process2.exitCode ?? 0);
        if (exitCode === 0 && contextOptions && typeof contextOptions !== "function" && contextOptions.error) {
          exitCode = 1;
        }
        this._exit(exitCode, "commander.help", "(outputHelp)");
      }
      /**
       * // Do a little typing to coordinate emit and listener for the help text events.
       * @typedef HelpTextEventContext
       * @type {object}
       * @property {boolean} error
       * @property {Command} command
       * @property {function} write
       */
      /**
       * Add additional text to be displayed with the built-in help.
       *
       * Position is 'before' or 'after' to affect just this command,
       * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
       *
       * @param {string} position - before or after built-in help
       * @param {(string | Function)} text - string to add, or a function returning a string
       * @return {Command} `this` command for chaining
       */
      addHelpText(position, text2) {
        const allowedValues = ["beforeAll", "before", "after", "afterAll"];
        if (!allowedValues.includes(position)) {
          throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
        }
        const helpEvent = `${position}Help`;
        this.on(helpEvent, (context) => {
          let helpStr;
          if (typeof text2 === "function") {
            helpStr = text2({ error: context.error, command: context.command });
          } else {
            helpStr = text2;
          }
          if (helpStr) {
            context.write(`${helpStr}
`);
          }
        });
        return this;
      }
      /**
       * Output help information if help flags specified
       *
       * @param {Array} args - array of options to search for help flags
       * @private
       */
      _outputHelpIfRequested(args) {
        const helpOption = this._getHelpOption();
        const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
        if (helpRequested) {
          this.outputHelp();
          this._exit(0, "commander.helpDisplayed", "(outputHelp)");
        }
      }
    };
    function incrementNodeInspectorPort(args) {
      return args.map((arg) => {
        if (!arg.startsWith("--inspect")) {
          return arg;
        }
        let debugOption;
        let debugHost = "127.0.0.1";
        let debugPort = "9229";
        let match;
        if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) {
          debugOption = match[1];
        } else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null) {
          debugOption = match[1];
          if (/^\d+$/.test(match[3])) {
            debugPort = match[3];
          } else {
            debugHost = match[3];
          }
        } else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null) {
          debugOption = match[1];
          debugHost = match[3];
          debugPort = match[4];
        }
        if (debugOption && debugPort !== "0") {
          return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
        }
        return arg;
      });
    }
    function useColor() {
      if (process2.env.NO_COLOR || process2.env.FORCE_COLOR === "0" || process2.env.FORCE_COLOR === "false")
        return false;
      if (process2.env.FORCE_COLOR || process2.env.CLICOLOR_FORCE !== void 0)
        return true;
      return void 0;
    }
    exports.Command = Command3;
    exports.useColor = useColor;
  }
});

// node_modules/commander/index.js
var require_commander = __commonJS({
  "node_modules/commander/index.js"(exports) {
    var { Argument: Argument2 } = require_argument();
    var { Command: Command3 } = require_command();
    var { CommanderError: CommanderError2, InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var { Help: Help2 } = require_help();
    var { Option: Option2 } = require_option();
    exports.program = new Command3();
    exports.createCommand = (name) => new Command3(name);
    exports.createOption = (flags, description) => new Option2(flags, description);
    exports.createArgument = (name, description) => new Argument2(name, description);
    exports.Command = Command3;
    exports.Option = Option2;
    exports.Argument = Argument2;
    exports.Help = Help2;
    exports.CommanderError = CommanderError2;
    exports.InvalidArgumentError = InvalidArgumentError2;
    exports.InvalidOptionArgumentError = InvalidArgumentError2;
  }
});

// node_modules/@pgsql/types/types.js
var require_types = __commonJS({
  "node_modules/@pgsql/types/types.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
  }
});

// node_modules/@pgsql/types/enums.js
var require_enums = __commonJS({
  "node_modules/@pgsql/types/enums.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
  }
});

// node_modules/@pgsql/types/index.js
var require_types2 = __commonJS({
  "node_modules/@pgsql/types/index.js"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __exportStar = exports && exports.__exportStar || function(m, exports2) {
      for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports2, p)) __createBinding(exports2, m, p);
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    __exportStar(require_types(), exports);
    __exportStar(require_enums(), exports);
  }
});

// node_modules/libpg-query/wasm/libpg-query.js
var require_libpg_query = __commonJS({
  "node_modules/libpg-query/wasm/libpg-query.js"(exports, module) {
    var PgQueryModule = (() => {
      var _scriptName = globalThis.document?.currentScript?.src;
      return async function(moduleArg = {}) {
        var Module = moduleArg;
        var ENVIRONMENT_IS_WEB = !!globalThis.window;
        var ENVIRONMENT_IS_WORKER = !!globalThis.WorkerGlobalScope;
        var ENVIRONMENT_IS_NODE = globalThis.process?.versions?.node && globalThis.process?.type != "renderer";
        var programArgs = [];
        var thisProgram = "./this.program";
        var quit_ = (status, toThrow) => {
          throw toThrow;
        };
        if (typeof __filename != "undefined") {
          _scriptName = __filename;
        } else if (ENVIRONMENT_IS_WORKER) {
          _scriptName = self.location.href;
        }
        var scriptDirectory = "";
        function locateFile(path) {
          if (Module["locateFile"]) {
            return Module["locateFile"](path, scriptDirectory);
          }
          return scriptDirectory + path;
        }
        var readAsync, readBinary;
        if (ENVIRONMENT_IS_NODE) {
          var fs = __require("node:fs");
          scriptDirectory = __dirname + "/";
          readBinary = (filename) => {
            filename = isFileURI(filename) ? new URL(filename) : filename;
            var ret = fs.readFileSync(filename);
            return ret;
          };
          readAsync = async (filename, binary = true) => {
            filename = isFileURI(filename) ? new URL(filename) : filename;
            var ret = fs.readFileSync(filename, binary ? void 0 : "utf8");
            return ret;
          };
          if (process.argv.length > 1) {
            thisProgram = process.argv[1].replace(/\\/g, "/");
          }
          programArgs = process.argv.slice(2);
          quit_ = (status, toThrow) => {
            process.exitCode = status;
            throw toThrow;
          };
        } else if (ENVIRONMENT_IS_WEB || ENVIRONMENT_IS_WORKER) {
          try {
            scriptDirectory = new URL(".", _scriptName).href;
          } catch {
          }
          {
            if (ENVIRONMENT_IS_WORKER) {
              readBinary = (url) => {
                var xhr = new XMLHttpRequest();
                xhr.open("GET", url, false);
                xhr.responseType = "arraybuffer";
                xhr.send(null);
                return new Uint8Array(xhr.response);
              };
            }
            readAsync = async (url) => {
              var response = await fetch(url, { credentials: "same-origin" });
              if (response.ok) {
                return response.arrayBuffer();
              }
              throw new Error(response.status + " : " + response.url);
            };
          }
        } else {
        }
        var out = console.log.bind(console);
        var err = console.error.bind(console);
        var wasmBinary;
        var ABORT = false;
        var EXITSTATUS;
        var isFileURI = (filename) => filename.startsWith("file://");
        class EmscriptenEH {
        }
        class EmscriptenSjLj extends EmscriptenEH {
        }
        var runtimeInitialized = false;
        function getMemoryBuffer() {
          return wasmMemory.buffer;
        }
        function updateMemoryViews() {
          if (HEAP8?.buffer?.resizable) return;
          var b = getMemoryBuffer();
          HEAP8 = new Int8Array(b);
          HEAP16 = new Int16Array(b);
          Module["HEAPU8"] = HEAPU8 = new Uint8Array(b);
          HEAPU16 = new Uint16Array(b);
          HEAP32 = new Int32Array(b);
          Module["HEAPU32"] = HEAPU32 = new Uint32Array(b);
          HEAPF32 = new Float32Array(b);
          HEAPF64 = new Float64Array(b);
          HEAP64 = new BigInt64Array(b);
          HEAPU64 = new BigUint64Array(b);
        }
        function preRun() {
          var preRun2 = Module["preRun"];
          if (preRun2) {
            if (typeof preRun2 == "function") preRun2 = [preRun2];
            onPreRuns.push(...preRun2);
          }
          callRuntimeCallbacks(onPreRuns);
        }
        function initRuntime() {
          runtimeInitialized = true;
          if (!Module["noFSInit"] && !FS.initialized) FS.init();
          TTY.init();
          wasmExports["A"]();
          FS.ignorePermissions = false;
        }
        function postRun() {
          var postRun2 = Module["postRun"];
          if (postRun2) {
            if (typeof postRun2 == "function") postRun2 = [postRun2];
            onPostRuns.push(...postRun2);
          }
          callRuntimeCallbacks(onPostRuns);
        }
        function abort(what) {
          Module["onAbort"]?.(what);
          what = `Aborted(${what})`;
          err(what);
          ABORT = true;
          what += ". Build with -sASSERTIONS for more info.";
          var e = new WebAssembly.RuntimeError(what);
          throw e;
        }
        var wasmBinaryFile;
        function findWasmBinary() {
          return locateFile("libpg-query.wasm");
        }
        function getBinarySync(file) {
          if (readBinary) {
            return readBinary(file);
          }
          throw "both async and sync fetching of the wasm failed";
        }
        async function getWasmBinary(binaryFile) {
          if (!wasmBinary) {
            try {
              var response = await readAsync(binaryFile);
              return new Uint8Array(response);
            } catch {
            }
          }
          return getBinarySync(binaryFile);
        }
        async function instantiateArrayBuffer(binaryFile, imports) {
          try {
            var binary = await getWasmBinary(binaryFile);
            var instance = await WebAssembly.instantiate(binary, imports);
            return instance;
          } catch (reason) {
            err(`failed to asynchronously prepare wasm: ${reason}`);
            abort(reason);
          }
        }
        async function instantiateAsync(binary, binaryFile, imports) {
          if (!binary && !ENVIRONMENT_IS_NODE) {
            try {
              var response = fetch(binaryFile, { credentials: "same-origin" });
              var instantiationResult = await WebAssembly.instantiateStreaming(response, imports);
              return instantiationResult;
            } catch (reason) {
              err(`wasm streaming compile failed: ${reason}`);
              err("falling back to ArrayBuffer instantiation");
            }
          }
          return instantiateArrayBuffer(binaryFile, imports);
        }
        function getWasmImports() {
          var imports = { a: wasmImports };
          return imports;
        }
        async function createWasm() {
          function receiveInstance(instance) {
            wasmExports = instance.exports;
            assignWasmExports(wasmExports);
            updateMemoryViews();
            return wasmExports;
          }
          function receiveInstantiationResult(result3) {
            return receiveInstance(result3["instance"]);
          }
          var info = getWasmImports();
          var instantiateWasm = Module["instantiateWasm"];
          if (instantiateWasm) {
            return new Promise((resolve9) => {
              instantiateWasm(info, (inst) => resolve9(receiveInstance(inst)));
            });
          }
          wasmBinaryFile ??= findWasmBinary();
          var result2 = await instantiateAsync(wasmBinary, wasmBinaryFile, info);
          var exports2 = receiveInstantiationResult(result2);
          return exports2;
        }
        class ExitStatus {
          name = "ExitStatus";
          constructor(status) {
            this.message = `Program terminated with exit(${status})`;
            this.status = status;
          }
        }
        var HEAP16;
        var HEAP32;
        var HEAP64;
        var HEAP8;
        var HEAPF32;
        var HEAPF64;
        var HEAPU16;
        var HEAPU32;
        var HEAPU64;
        var HEAPU8;
        var callRuntimeCallbacks = (callbacks) => {
          while (callbacks.length > 0) {
            callbacks.shift()(Module);
          }
        };
        var onPostRuns = [];
        var onPreRuns = [];
        function getValue(ptr, type = "i8") {
          if (type.endsWith("*")) type = "*";
          switch (type) {
            case "i1":
              return HEAP8[ptr];
            case "i8":
              return HEAP8[ptr];
            case "i16":
              return HEAP16[ptr >> 1];
            case "i32":
              return HEAP32[ptr >> 2];
            case "i64":
              return HEAP64[ptr >> 3];
            case "float":
              return HEAPF32[ptr >> 2];
            case "double":
              return HEAPF64[ptr >> 3];
            case "*":
              return HEAPU32[ptr >> 2];
            default:
              abort(`invalid type for getValue: ${type}`);
          }
        }
        var noExitRuntime = true;
        var stackRestore = (val) => __emscripten_stack_restore(val);
        var stackSave = () => _emscripten_stack_get_current();
        var UTF8Decoder = globalThis.TextDecoder && new TextDecoder();
        var findStringEnd = (heapOrArray, idx, maxBytesToRead, ignoreNul) => {
          var maxIdx = idx + maxBytesToRead;
          if (ignoreNul) return maxIdx;
          while (heapOrArray[idx] && !(idx >= maxIdx)) ++idx;
          return idx;
        };
        var UTF8ArrayToString = (heapOrArray, idx = 0, maxBytesToRead, ignoreNul) => {
          var endPtr = findStringEnd(heapOrArray, idx, maxBytesToRead, ignoreNul);
          if (endPtr - idx > 16 && heapOrArray.buffer && UTF8Decoder) {
            return UTF8Decoder.decode(heapOrArray.subarray(idx, endPtr));
          }
          var str = "";
          while (idx < endPtr) {
            var u0 = heapOrArray[idx++];
            if (!(u0 & 128)) {
              str += String.fromCharCode(u0);
              continue;
            }
            var u1 = heapOrArray[idx++] & 63;
            if ((u0 & 224) == 192) {
              str += String.fromCharCode((u0 & 31) << 6 | u1);
              continue;
            }
            var u2 = heapOrArray[idx++] & 63;
            if ((u0 & 240) == 224) {
              u0 = (u0 & 15) << 12 | u1 << 6 | u2;
            } else {
              u0 = (u0 & 7) << 18 | u1 << 12 | u2 << 6 | heapOrArray[idx++] & 63;
            }
            if (u0 < 65536) {
              str += String.fromCharCode(u0);
            } else {
              var ch = u0 - 65536;
              str += String.fromCharCode(55296 | ch >> 10, 56320 | ch & 1023);
            }
          }
          return str;
        };
        var UTF8ToString = (ptr, maxBytesToRead, ignoreNul) => ptr ? UTF8ArrayToString(HEAPU8, ptr, maxBytesToRead, ignoreNul) : "";
        var ___assert_fail = (condition, filename, line, func) => abort(`Assertion failed: ${UTF8ToString(condition)}, at: ` + [filename ? UTF8ToString(filename) : "unknown filename", line, func ? UTF8ToString(func) : "unknown function"]);
        var __abort_js = () => abort("");
        var runtimeKeepaliveCounter = 0;
        var __emscripten_runtime_keepalive_clear = () => {
          noExitRuntime = false;
          runtimeKeepaliveCounter = 0;
        };
        var __emscripten_throw_longjmp = () => {
          throw new EmscriptenSjLj();
        };
        var timers = {};
        var handleException = (e) => {
          if (e instanceof ExitStatus || e == "unwind") {
            return EXITSTATUS;
          }
          quit_(1, e);
        };
        var keepRuntimeAlive = () => noExitRuntime || runtimeKeepaliveCounter > 0;
        var _proc_exit = (code) => {
          EXITSTATUS = code;
          if (!keepRuntimeAlive()) {
            Module["onExit"]?.(code);
            ABORT = true;
          }
          quit_(code, new ExitStatus(code));
        };
        var exitJS = (status, implicit) => {
          EXITSTATUS = status;
          _proc_exit(status);
        };
        var _exit = exitJS;
        var maybeExit = () => {
          if (!keepRuntimeAlive()) {
            try {
              _exit(EXITSTATUS);
            } catch (e) {
              handleException(e);
            }
          }
        };
        var callUserCallback = (func) => {
          if (ABORT) {
            return;
          }
          try {
            return func();
          } catch (e) {
            handleException(e);
          } finally {
            maybeExit();
          }
        };
        var _emscripten_get_now = () => performance.now();
        var __setitimer_js = (which, timeout_ms) => {
          if (timers[which]) {
            clearTimeout(timers[which].id);
            delete timers[which];
          }
          if (!timeout_ms) return 0;
          var id = setTimeout(() => {
            delete timers[which];
            callUserCallback(() => __emscripten_timeout(which, _emscripten_get_now()));
          }, timeout_ms);
          timers[which] = { id, timeout_ms };
          return 0;
        };
        var getHeapMax = () => 1073741824;
        var alignMemory = (size, alignment) => Math.ceil(size / alignment) * alignment;
        var growMemory = (size) => {
          var oldHeapSize = wasmMemory.buffer.byteLength;
          var pages = (size - oldHeapSize + 65535) / 65536 | 0;
          try {
            wasmMemory.grow(pages);
            updateMemoryViews();
            return 1;
          } catch (e) {
          }
        };
        var _emscripten_resize_heap = (requestedSize) => {
          var oldSize = HEAPU8.length;
          requestedSize >>>= 0;
          var maxHeapSize = getHeapMax();
          if (requestedSize > maxHeapSize) {
            return false;
          }
          for (var cutDown = 1; cutDown <= 4; cutDown *= 2) {
            var overGrownHeapSize = oldSize * (1 + 0.2 / cutDown);
            overGrownHeapSize = Math.min(overGrownHeapSize, requestedSize + 100663296);
            var newSize = Math.min(maxHeapSize, alignMemory(Math.max(requestedSize, overGrownHeapSize), 65536));
            var replacement = growMemory(newSize);
            if (replacement) {
              return true;
            }
          }
          return false;
        };
        var PATH = { isAbs: (path) => path.charAt(0) === "/", splitPath: (filename) => {
          var splitPathRe = /^(\/?|)([\s\S]*?)((?:\.{1,2}|[^\/]+?|)(\.[^.\/]*|))(?:[\/]*)$/;
          return splitPathRe.exec(filename).slice(1);
        }, normalizeArray: (parts, allowAboveRoot) => {
          var up = 0;
          for (var i = parts.length - 1; i >= 0; i--) {
            var last = parts[i];
            if (last === ".") {
              parts.splice(i, 1);
            } else if (last === "..") {
              parts.splice(i, 1);
              up++;
            } else if (up) {
              parts.splice(i, 1);
              up--;
            }
          }
          if (allowAboveRoot) {
            for (; up; up--) {
              parts.unshift("..");
            }
          }
          return parts;
        }, normalize: (path) => {
          var isAbsolute4 = PATH.isAbs(path), trailingSlash = path.slice(-1) === "/";
          path = PATH.normalizeArray(path.split("/").filter((p) => !!p), !isAbsolute4).join("/");
          if (!path && !isAbsolute4) {
            path = ".";
          }
          if (path && trailingSlash) {
            path += "/";
          }
          return (isAbsolute4 ? "/" : "") + path;
        }, dirname: (path) => {
          var result2 = PATH.splitPath(path), root = result2[0], dir = result2[1];
          if (!root && !dir) {
            return ".";
          }
          if (dir) {
            dir = dir.slice(0, -1);
          }
          return root + dir;
        }, basename: (path) => path && path.match(/([^\/]+|\/)\/*$/)[1], join: (...paths) => PATH.normalize(paths.join("/")), join2: (l, r) => PATH.normalize(l + "/" + r) };
        var initRandomFill = () => {
          if (ENVIRONMENT_IS_NODE) {
            var nodeCrypto = __require("node:crypto");
            return (view) => (nodeCrypto.randomFillSync(view), 0);
          }
          return (view) => (crypto.getRandomValues(view), 0);
        };
        var randomFill = (view) => (randomFill = initRandomFill())(view);
        var PATH_FS = { resolve: (...args) => {
          var resolvedPath = "", resolvedAbsolute = false;
          for (var i = args.length - 1; i >= -1 && !resolvedAbsolute; i--) {
            var path = i >= 0 ? args[i] : FS.cwd();
            if (typeof path != "string") {
              throw new TypeError("Arguments to path.resolve must be strings");
            } else if (!path) {
              return "";
            }
            resolvedPath = path + "/" + resolvedPath;
            resolvedAbsolute = PATH.isAbs(path);
          }
          resolvedPath = PATH.normalizeArray(resolvedPath.split("/").filter((p) => !!p), !resolvedAbsolute).join("/");
          return (resolvedAbsolute ? "/" : "") + resolvedPath || ".";
        }, relative: (from, to) => {
          from = PATH_FS.resolve(from).slice(1);
          to = PATH_FS.resolve(to).slice(1);
          function trim(arr) {
            var start = 0;
            for (; start < arr.length; start++) {
              if (arr[start] !== "") break;
            }
            var end = arr.length - 1;
            for (; end >= 0; end--) {
              if (arr[end] !== "") break;
            }
            if (start > end) return [];
            return arr.slice(start, end - start + 1);
          }
          var fromParts = trim(from.split("/"));
          var toParts = trim(to.split("/"));
          var length = Math.min(fromParts.length, toParts.length);
          var samePartsLength = length;
          for (var i = 0; i < length; i++) {
            if (fromParts[i] !== toParts[i]) {
              samePartsLength = i;
              break;
            }
          }
          var outputParts = [];
          for (var i = samePartsLength; i < fromParts.length; i++) {
            outputParts.push("..");
          }
          outputParts = outputParts.concat(toParts.slice(samePartsLength));
          return outputParts.join("/");
        } };
        var FS_stdin_getChar_buffer = [];
        var lengthBytesUTF8 = (str) => {
          var len = 0;
          for (var i = 0; i < str.length; ++i) {
            var c = str.charCodeAt(i);
            if (c <= 127) {
              len++;
            } else if (c <= 2047) {
              len += 2;
            } else if (c >= 55296 && c <= 57343) {
              len += 4;
              ++i;
            } else {
              len += 3;
            }
          }
          return len;
        };
        var stringToUTF8Array = (str, heap, outIdx, maxBytesToWrite) => {
          if (!(maxBytesToWrite > 0)) return 0;
          var startIdx = outIdx;
          var endIdx = outIdx + maxBytesToWrite - 1;
          for (var i = 0; i < str.length; ++i) {
            var u = str.codePointAt(i);
            if (u <= 127) {
              if (outIdx >= endIdx) break;
              heap[outIdx++] = u;
            } else if (u <= 2047) {
              if (outIdx + 1 >= endIdx) break;
              heap[outIdx++] = 192 | u >> 6;
              heap[outIdx++] = 128 | u & 63;
            } else if (u <= 65535) {
              if (outIdx + 2 >= endIdx) break;
              heap[outIdx++] = 224 | u >> 12;
              heap[outIdx++] = 128 | u >> 6 & 63;
              heap[outIdx++] = 128 | u & 63;
            } else {
              if (outIdx + 3 >= endIdx) break;
              heap[outIdx++] = 240 | u >> 18;
              heap[outIdx++] = 128 | u >> 12 & 63;
              heap[outIdx++] = 128 | u >> 6 & 63;
              heap[outIdx++] = 128 | u & 63;
              i++;
            }
          }
          heap[outIdx] = 0;
          return outIdx - startIdx;
        };
        var intArrayFromString = (stringy, dontAddNull, length) => {
          var len = length > 0 ? length : lengthBytesUTF8(stringy) + 1;
          var u8array = new Array(len);
          var numBytesWritten = stringToUTF8Array(stringy, u8array, 0, u8array.length);
          if (dontAddNull) u8array.length = numBytesWritten;
          return u8array;
        };
        var FS_stdin_getChar = () => {
          if (!FS_stdin_getChar_buffer.length) {
            var result2 = null;
            if (ENVIRONMENT_IS_NODE) {
              var BUFSIZE = 256;
              var buf = Buffer.alloc(BUFSIZE);
              var bytesRead = 0;
              var fd = process.stdin.fd;
              try {
                bytesRead = fs.readSync(fd, buf, 0, BUFSIZE);
              } catch (e) {
                if (e.toString().includes("EOF")) bytesRead = 0;
                else throw e;
              }
              if (bytesRead > 0) {
                result2 = buf.slice(0, bytesRead).toString("utf-8");
              }
            } else if (globalThis.window?.prompt) {
              result2 = window.prompt("Input: ");
              if (result2 !== null) {
                result2 += "\n";
              }
            } else {
            }
            if (!result2) {
              return null;
            }
            FS_stdin_getChar_buffer = intArrayFromString(result2, true);
          }
          return FS_stdin_getChar_buffer.shift();
        };
        var TTY = { ttys: [], init() {
        }, shutdown() {
        }, register(dev, ops) {
          TTY.ttys[dev] = { input: [], output: [], ops };
          FS.registerDevice(dev, TTY.stream_ops);
        }, stream_ops: { open(stream) {
          var tty = TTY.ttys[stream.node.rdev];
          if (!tty) {
            throw new FS.ErrnoError(43);
          }
          stream.tty = tty;
          stream.seekable = false;
        }, close(stream) {
          stream.tty.ops.fsync(stream.tty);
        }, fsync(stream) {
          stream.tty.ops.fsync(stream.tty);
        }, read(stream, buffer, offset, length, pos) {
          if (!stream.tty || !stream.tty.ops.get_char) {
            throw new FS.ErrnoError(60);
          }
          var bytesRead = 0;
          for (var i = 0; i < length; i++) {
            var result2;
            try {
              result2 = stream.tty.ops.get_char(stream.tty);
            } catch (e) {
              throw new FS.ErrnoError(29);
            }
            if (result2 === void 0 && bytesRead === 0) {
              throw new FS.ErrnoError(6);
            }
            if (result2 === null || result2 === void 0) break;
            bytesRead++;
            buffer[offset + i] = result2;
          }
          if (bytesRead) {
            stream.node.atime = Date.now();
          }
          return bytesRead;
        }, write(stream, buffer, offset, length, pos) {
          if (!stream.tty || !stream.tty.ops.put_char) {
            throw new FS.ErrnoError(60);
          }
          try {
            for (var i = 0; i < length; i++) {
              stream.tty.ops.put_char(stream.tty, buffer[offset + i]);
            }
          } catch (e) {
            throw new FS.ErrnoError(29);
          }
          if (length) {
            stream.node.mtime = stream.node.ctime = Date.now();
          }
          return i;
        } }, default_tty_ops: { get_char(tty) {
          return FS_stdin_getChar();
        }, put_char(tty, val) {
          if (val === null || val === 10) {
            out(UTF8ArrayToString(tty.output));
            tty.output = [];
          } else {
            if (val != 0) tty.output.push(val);
          }
        }, fsync(tty) {
          if (tty.output?.length > 0) {
            out(UTF8ArrayToString(tty.output));
            tty.output = [];
          }
        }, ioctl_tcgets(tty) {
          return { c_iflag: 25856, c_oflag: 5, c_cflag: 191, c_lflag: 35387, c_cc: [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
        }, ioctl_tcsets(tty, optional_actions, data2) {
          return 0;
        }, ioctl_tiocgwinsz(tty) {
          return [24, 80];
        } }, default_tty1_ops: { put_char(tty, val) {
          if (val === null || val === 10) {
            err(UTF8ArrayToString(tty.output));
            tty.output = [];
          } else {
            if (val != 0) tty.output.push(val);
          }
        }, fsync(tty) {
          if (tty.output?.length > 0) {
            err(UTF8ArrayToString(tty.output));
            tty.output = [];
          }
        } } };
        var mmapAlloc = (size) => {
          abort();
        };
        var MEMFS = { ops_table: null, mount(mount) {
          return MEMFS.createNode(null, "/", 16895, 0);
        }, createNode(parent, name, mode, dev) {
          if (FS.isBlkdev(mode) || FS.isFIFO(mode)) {
            throw new FS.ErrnoError(63);
          }
          MEMFS.ops_table ||= { dir: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr, lookup: MEMFS.node_ops.lookup, mknod: MEMFS.node_ops.mknod, rename: MEMFS.node_ops.rename, unlink: MEMFS.node_ops.unlink, rmdir: MEMFS.node_ops.rmdir, readdir: MEMFS.node_ops.readdir, symlink: MEMFS.node_ops.symlink }, stream: { llseek: MEMFS.stream_ops.llseek } }, file: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr }, stream: { llseek: MEMFS.stream_ops.llseek, read: MEMFS.stream_ops.read, write: MEMFS.stream_ops.write, mmap: MEMFS.stream_ops.mmap, msync: MEMFS.stream_ops.msync } }, link: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr, readlink: MEMFS.node_ops.readlink }, stream: {} }, chrdev: { node: { getattr: MEMFS.node_ops.getattr, setattr: MEMFS.node_ops.setattr }, stream: FS.chrdev_stream_ops } };
          var node = FS.createNode(parent, name, mode, dev);
          if (FS.isDir(node.mode)) {
            node.node_ops = MEMFS.ops_table.dir.node;
            node.stream_ops = MEMFS.ops_table.dir.stream;
            node.contents = {};
          } else if (FS.isFile(node.mode)) {
            node.node_ops = MEMFS.ops_table.file.node;
            node.stream_ops = MEMFS.ops_table.file.stream;
            node.usedBytes = 0;
            node.contents = MEMFS.emptyFileContents ??= new Uint8Array(0);
          } else if (FS.isLink(node.mode)) {
            node.node_ops = MEMFS.ops_table.link.node;
            node.stream_ops = MEMFS.ops_table.link.stream;
          } else if (FS.isChrdev(node.mode)) {
            node.node_ops = MEMFS.ops_table.chrdev.node;
            node.stream_ops = MEMFS.ops_table.chrdev.stream;
          }
          node.atime = node.mtime = node.ctime = Date.now();
          if (parent) {
            parent.contents[name] = node;
            parent.atime = parent.mtime = parent.ctime = node.atime;
          }
          return node;
        }, getFileDataAsTypedArray(node) {
          return node.contents.subarray(0, node.usedBytes);
        }, expandFileStorage(node, newCapacity) {
          var prevCapacity = node.contents.length;
          if (prevCapacity >= newCapacity) return;
          var CAPACITY_DOUBLING_MAX = 1024 * 1024;
          newCapacity = Math.max(newCapacity, prevCapacity * (prevCapacity < CAPACITY_DOUBLING_MAX ? 2 : 1.125) >>> 0);
          if (prevCapacity) newCapacity = Math.max(newCapacity, 256);
          var oldContents = MEMFS.getFileDataAsTypedArray(node);
          node.contents = new Uint8Array(newCapacity);
          node.contents.set(oldContents);
        }, resizeFileStorage(node, newSize) {
          if (node.usedBytes == newSize) return;
          var oldContents = node.contents;
          node.contents = new Uint8Array(newSize);
          node.contents.set(oldContents.subarray(0, Math.min(newSize, node.usedBytes)));
          node.usedBytes = newSize;
        }, node_ops: { getattr(node) {
          var attr = {};
          attr.dev = FS.isChrdev(node.mode) ? node.id : 1;
          attr.ino = node.id;
          attr.mode = node.mode;
          attr.nlink = 1;
          attr.uid = 0;
          attr.gid = 0;
          attr.rdev = node.rdev;
          if (FS.isDir(node.mode)) {
            attr.size = 4096;
          } else if (FS.isFile(node.mode)) {
            attr.size = node.usedBytes;
          } else if (FS.isLink(node.mode)) {
            attr.size = node.link.length;
          } else {
            attr.size = 0;
          }
          attr.atime = new Date(node.atime);
          attr.mtime = new Date(node.mtime);
          attr.ctime = new Date(node.ctime);
          attr.blksize = 4096;
          attr.blocks = Math.ceil(attr.size / attr.blksize);
          return attr;
        }, setattr(node, attr) {
          for (const key of ["mode", "atime", "mtime", "ctime"]) {
            if (attr[key] != null) {
              node[key] = attr[key];
            }
          }
          if (attr.size !== void 0) {
            MEMFS.resizeFileStorage(node, attr.size);
          }
        }, lookup(parent, name) {
          if (!MEMFS.doesNotExistError) {
            MEMFS.doesNotExistError = new FS.ErrnoError(44);
            MEMFS.doesNotExistError.stack = "<generic error, no stack>";
          }
          throw MEMFS.doesNotExistError;
        }, mknod(parent, name, mode, dev) {
          return MEMFS.createNode(parent, name, mode, dev);
        }, rename(old_node, new_dir, new_name) {
          var new_node;
          try {
            new_node = FS.lookupNode(new_dir, new_name);
          } catch (e) {
          }
          if (new_node) {
            if (FS.isDir(old_node.mode)) {
              for (var i in new_node.contents) {
                throw new FS.ErrnoError(55);
              }
            }
            FS.hashRemoveNode(new_node);
          }
          delete old_node.parent.contents[old_node.name];
          new_dir.contents[new_name] = old_node;
          old_node.name = new_name;
          new_dir.ctime = new_dir.mtime = old_node.parent.ctime = old_node.parent.mtime = Date.now();
        }, unlink(parent, name) {
          delete parent.contents[name];
          parent.ctime = parent.mtime = Date.now();
        }, rmdir(parent, name) {
          var node = FS.lookupNode(parent, name);
          for (var i in node.contents) {
            throw new FS.ErrnoError(55);
          }
          delete parent.contents[name];
          parent.ctime = parent.mtime = Date.now();
        }, readdir(node) {
          return [".", "..", ...Object.keys(node.contents)];
        }, symlink(parent, newname, oldpath) {
          var node = MEMFS.createNode(parent, newname, 511 | 40960, 0);
          node.link = oldpath;
          return node;
        }, readlink(node) {
          if (!FS.isLink(node.mode)) {
            throw new FS.ErrnoError(28);
          }
          return node.link;
        } }, stream_ops: { read(stream, buffer, offset, length, position) {
          var contents = stream.node.contents;
          if (position >= stream.node.usedBytes) return 0;
          var size = Math.min(stream.node.usedBytes - position, length);
          buffer.set(contents.subarray(position, position + size), offset);
          return size;
        }, write(stream, buffer, offset, length, position, canOwn) {
          if (buffer.buffer === HEAP8.buffer) {
            canOwn = false;
          }
          if (!length) return 0;
          var node = stream.node;
          node.mtime = node.ctime = Date.now();
          if (canOwn) {
            node.contents = buffer.subarray(offset, offset + length);
            node.usedBytes = length;
          } else if (node.usedBytes === 0 && position === 0) {
            node.contents = buffer.slice(offset, offset + length);
            node.usedBytes = length;
          } else {
            MEMFS.expandFileStorage(node, position + length);
            node.contents.set(buffer.subarray(offset, offset + length), position);
            node.usedBytes = Math.max(node.usedBytes, position + length);
          }
          return length;
        }, llseek(stream, offset, whence) {
          var position = offset;
          if (whence === 1) {
            position += stream.position;
          } else if (whence === 2) {
            if (FS.isFile(stream.node.mode)) {
              position += stream.node.usedBytes;
            }
          }
          if (position < 0) {
            throw new FS.ErrnoError(28);
          }
          return position;
        }, mmap(stream, length, position, prot, flags) {
          if (!FS.isFile(stream.node.mode)) {
            throw new FS.ErrnoError(43);
          }
          var ptr;
          var allocated;
          var contents = stream.node.contents;
          if (!(flags & 2) && contents.buffer === HEAP8.buffer) {
            allocated = false;
            ptr = contents.byteOffset;
          } else {
            allocated = true;
            ptr = mmapAlloc(length);
            if (!ptr) {
              throw new FS.ErrnoError(48);
            }
            if (contents) {
              if (position > 0 || position + length < contents.length) {
                if (contents.subarray) {
                  contents = contents.subarray(position, position + length);
                } else {
                  contents = Array.prototype.slice.call(contents, position, position + length);
                }
              }
              HEAP8.set(contents, ptr);
            }
          }
          return { ptr, allocated };
        }, msync(stream, buffer, offset, length, mmapFlags) {
          MEMFS.stream_ops.write(stream, buffer, 0, length, offset, false);
          return 0;
        } } };
        var FS_modeStringToFlags = (str) => {
          if (typeof str != "string") return str;
          var flagModes = { r: 0, "r+": 2, w: 512 | 64 | 1, "w+": 512 | 64 | 2, a: 1024 | 64 | 1, "a+": 1024 | 64 | 2 };
          var flags = flagModes[str];
          if (typeof flags == "undefined") {
            throw new Error(`Unknown file open mode: ${str}`);
          }
          return flags;
        };
        var FS_fileDataToTypedArray = (data2) => {
          if (typeof data2 == "string") {
            data2 = intArrayFromString(data2, true);
          }
          if (!data2.subarray) {
            data2 = new Uint8Array(data2);
          }
          return data2;
        };
        var FS_getMode = (canRead, canWrite) => {
          var mode = 0;
          if (canRead) mode |= 292 | 73;
          if (canWrite) mode |= 146;
          return mode;
        };
        var asyncLoad = async (url) => {
          var arrayBuffer = await readAsync(url);
          return new Uint8Array(arrayBuffer);
        };
        var FS_createDataFile = (...args) => FS.createDataFile(...args);
        var getUniqueRunDependency = (id) => id;
        var dependenciesPromise = null;
        var resolveRunDependencies = async () => dependenciesPromise;
        var runDependencies = 0;
        var dependenciesPromiseResolve = null;
        var removeRunDependency = (id) => {
          runDependencies--;
          Module["monitorRunDependencies"]?.(runDependencies);
          if (!runDependencies) {
            dependenciesPromiseResolve();
          }
        };
        var addRunDependency = (id) => {
          if (!runDependencies) {
            dependenciesPromise = new Promise((resolve9) => dependenciesPromiseResolve = resolve9);
          }
          runDependencies++;
          Module["monitorRunDependencies"]?.(runDependencies);
        };
        var preloadPlugins = [];
        var FS_handledByPreloadPlugin = async (byteArray, fullname) => {
          if (typeof Browser != "undefined") Browser.init();
          for (var plugin of preloadPlugins) {
            if (plugin["canHandle"](fullname)) {
              return plugin["handle"](byteArray, fullname);
            }
          }
          return byteArray;
        };
        var FS_preloadFile = async (parent, name, url, canRead, canWrite, dontCreateFile, canOwn, preFinish) => {
          var fullname = name ? PATH_FS.resolve(PATH.join2(parent, name)) : parent;
          var dep = getUniqueRunDependency(`cp ${fullname}`);
          addRunDependency(dep);
          try {
            var byteArray = url;
            if (typeof url == "string") {
              byteArray = await asyncLoad(url);
            }
            byteArray = await FS_handledByPreloadPlugin(byteArray, fullname);
            preFinish?.();
            if (!dontCreateFile) {
              FS_createDataFile(parent, name, byteArray, canRead, canWrite, canOwn);
            }
          } finally {
            removeRunDependency(dep);
          }
        };
        var FS_createPreloadedFile = (parent, name, url, canRead, canWrite, onload, onerror, dontCreateFile, canOwn, preFinish) => {
          FS_preloadFile(parent, name, url, canRead, canWrite, dontCreateFile, canOwn, preFinish).then(onload).catch(onerror);
        };
        var FS = { root: null, mounts: [], devices: {}, streams: [], nextInode: 1, nameTable: null, currentPath: "/", initialized: false, ignorePermissions: true, filesystems: null, syncFSRequests: 0, ErrnoError: class {
          name = "ErrnoError";
          constructor(errno) {
            this.errno = errno;
          }
        }, FSStream: class {
          shared = {};
          get object() {
            return this.node;
          }
          set object(val) {
            this.node = val;
          }
          get isRead() {
            return (this.flags & 2097155) !== 1;
          }
          get isWrite() {
            return (this.flags & 2097155) !== 0;
          }
          get isAppend() {
            return this.flags & 1024;
          }
          get flags() {
            return this.shared.flags;
          }
          set flags(val) {
            this.shared.flags = val;
          }
          get position() {
            return this.shared.position;
          }
          set position(val) {
            this.shared.position = val;
          }
        }, FSNode: class {
          node_ops = {};
          stream_ops = {};
          readMode = 292 | 73;
          writeMode = 146;
          mounted = null;
          constructor(parent, name, mode, rdev) {
            if (!parent) {
              parent = this;
            }
            this.parent = parent;
            this.mount = parent.mount;
            this.id = FS.nextInode++;
            this.name = name;
            this.mode = mode;
            this.rdev = rdev;
            this.atime = this.mtime = this.ctime = Date.now();
          }
          get read() {
            return (this.mode & this.readMode) === this.readMode;
          }
          set read(val) {
            val ? this.mode |= this.readMode : this.mode &= ~this.readMode;
          }
          get write() {
            return (this.mode & this.writeMode) === this.writeMode;
          }
          set write(val) {
            val ? this.mode |= this.writeMode : this.mode &= ~this.writeMode;
          }
          get isFolder() {
            return FS.isDir(this.mode);
          }
          get isDevice() {
            return FS.isChrdev(this.mode);
          }
          addListener(cb, exclusive = false) {
            var entry = { cb, exclusive };
            var listeners = this.listeners ??= /* @__PURE__ */ new Set();
            listeners.add(entry);
            return { listeners, entry };
          }
          notifyListeners(flags) {
            if (!this.listeners) return;
            var excl;
            for (var entry of this.listeners) {
              if (entry.exclusive) (excl ||= []).push(entry);
              else entry.cb(flags);
            }
            if (excl) {
              var i = (this.exclTurn || 0) % excl.length;
              this.exclTurn = i + 1;
              excl[i].cb(flags);
            }
          }
        }, lookupPath(path, opts = {}) {
          if (!path) {
            throw new FS.ErrnoError(44);
          }
          opts.follow_mount ??= true;
          if (!PATH.isAbs(path)) {
            path = FS.cwd() + "/" + path;
          }
          linkloop: for (var nlinks = 0; nlinks < 40; nlinks++) {
            var parts = path.split("/").filter((p) => !!p);
            var current = FS.root;
            var current_path = "/";
            for (var i = 0; i < parts.length; i++) {
              var islast = i === parts.length - 1;
              if (islast && opts.parent) {
                break;
              }
              if (parts[i] === ".") {
                continue;
              }
              if (parts[i] === "..") {
                current_path = PATH.dirname(current_path);
                if (FS.isRoot(current)) {
                  path = current_path + "/" + parts.slice(i + 1).join("/");
                  nlinks--;
                  continue linkloop;
                } else {
                  current = current.parent;
                }
                continue;
              }
              current_path = PATH.join2(current_path, parts[i]);
              try {
                current = FS.lookupNode(current, parts[i]);
              } catch (e) {
                if (e?.errno === 44 && islast && opts.noent_okay) {
                  return { path: current_path };
                }
                throw e;
              }
              if (FS.isMountpoint(current) && (!islast || opts.follow_mount)) {
                current = current.mounted.root;
              }
              if (FS.isLink(current.mode) && (!islast || opts.follow)) {
                if (!current.node_ops.readlink) {
                  throw new FS.ErrnoError(52);
                }
                var link = current.node_ops.readlink(current);
                if (!PATH.isAbs(link)) {
                  link = PATH.dirname(current_path) + "/" + link;
                }
                path = link + "/" + parts.slice(i + 1).join("/");
                continue linkloop;
              }
            }
            return { path: current_path, node: current };
          }
          throw new FS.ErrnoError(32);
        }, getPath(node) {
          var path;
          while (true) {
            if (FS.isRoot(node)) {
              var mount = node.mount.mountpoint;
              if (!path) return mount;
              return mount[mount.length - 1] !== "/" ? `${mount}/${path}` : mount + path;
            }
            path = path ? `${node.name}/${path}` : node.name;
            node = node.parent;
          }
        }, hashName(parentid, name) {
          var hash = 0;
          for (var i = 0; i < name.length; i++) {
            hash = (hash << 5) - hash + name.charCodeAt(i) | 0;
          }
          return (parentid + hash >>> 0) % FS.nameTable.length;
        }, hashAddNode(node) {
          var hash = FS.hashName(node.parent.id, node.name);
          node.name_next = FS.nameTable[hash];
          FS.nameTable[hash] = node;
        }, hashRemoveNode(node) {
          var hash = FS.hashName(node.parent.id, node.name);
          if (FS.nameTable[hash] === node) {
            FS.nameTable[hash] = node.name_next;
          } else {
            var current = FS.nameTable[hash];
            while (current) {
              if (current.name_next === node) {
                current.name_next = node.name_next;
                break;
              }
              current = current.name_next;
            }
          }
        }, lookupNode(parent, name) {
          var errCode = FS.mayLookup(parent);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          var hash = FS.hashName(parent.id, name);
          for (var node = FS.nameTable[hash]; node; node = node.name_next) {
            var nodeName = node.name;
            if (node.parent.id === parent.id && nodeName === name) {
              return node;
            }
          }
          return FS.lookup(parent, name);
        }, createNode(parent, name, mode, rdev) {
          var node = new FS.FSNode(parent, name, mode, rdev);
          FS.hashAddNode(node);
          return node;
        }, destroyNode(node) {
          FS.hashRemoveNode(node);
        }, isRoot(node) {
          return node === node.parent;
        }, isMountpoint(node) {
          return !!node.mounted;
        }, isFile(mode) {
          return (mode & 61440) === 32768;
        }, isDir(mode) {
          return (mode & 61440) === 16384;
        }, isLink(mode) {
          return (mode & 61440) === 40960;
        }, isChrdev(mode) {
          return (mode & 61440) === 8192;
        }, isBlkdev(mode) {
          return (mode & 61440) === 24576;
        }, isFIFO(mode) {
          return (mode & 61440) === 4096;
        }, isSocket(mode) {
          return (mode & 49152) === 49152;
        }, flagsToPermissionString(flag) {
          var perms = ["r", "w", "rw"][flag & 3];
          if (flag & 512) {
            perms += "w";
          }
          return perms;
        }, nodePermissions(node, perms) {
          if (FS.ignorePermissions) {
            return 0;
          }
          if (perms.includes("r") && !(node.mode & 292)) {
            return 2;
          }
          if (perms.includes("w") && !(node.mode & 146)) {
            return 2;
          }
          if (perms.includes("x") && !(node.mode & 73)) {
            return 2;
          }
          return 0;
        }, mayLookup(dir) {
          if (!FS.isDir(dir.mode)) return 54;
          var errCode = FS.nodePermissions(dir, "x");
          if (errCode) return errCode;
          if (!dir.node_ops.lookup) return 2;
          return 0;
        }, mayCreate(dir, name) {
          if (!FS.isDir(dir.mode)) {
            return 54;
          }
          try {
            var node = FS.lookupNode(dir, name);
            return 20;
          } catch (e) {
          }
          return FS.nodePermissions(dir, "wx");
        }, mayDelete(dir, name, isdir) {
          var node;
          try {
            node = FS.lookupNode(dir, name);
          } catch (e) {
            return e.errno;
          }
          var errCode = FS.nodePermissions(dir, "wx");
          if (errCode) {
            return errCode;
          }
          if (isdir) {
            if (!FS.isDir(node.mode)) {
              return 54;
            }
            if (FS.isRoot(node) || FS.getPath(node) === FS.cwd()) {
              return 10;
            }
          } else if (FS.isDir(node.mode)) {
            return 31;
          }
          return 0;
        }, mayOpen(node, flags) {
          if (!node) {
            return 44;
          }
          if (FS.isLink(node.mode)) {
            return 32;
          }
          var mode = FS.flagsToPermissionString(flags);
          if (FS.isDir(node.mode)) {
            if (mode !== "r" || flags & (512 | 64)) {
              return 31;
            }
          }
          return FS.nodePermissions(node, mode);
        }, checkOpExists(op, err2) {
          if (!op) {
            throw new FS.ErrnoError(err2);
          }
          return op;
        }, MAX_OPEN_FDS: 4096, nextfd() {
          for (var fd = 0; fd <= FS.MAX_OPEN_FDS; fd++) {
            if (!FS.streams[fd]) {
              return fd;
            }
          }
          throw new FS.ErrnoError(33);
        }, getStreamChecked(fd) {
          var stream = FS.getStream(fd);
          if (!stream) {
            throw new FS.ErrnoError(8);
          }
          return stream;
        }, getStream: (fd) => FS.streams[fd], createStream(stream, fd = -1) {
          stream = Object.assign(new FS.FSStream(), stream);
          if (fd == -1) {
            fd = FS.nextfd();
          }
          stream.fd = fd;
          FS.streams[fd] = stream;
          return stream;
        }, closeStream(fd) {
          FS.streams[fd] = null;
        }, dupStream(origStream, fd = -1) {
          var stream = FS.createStream(origStream, fd);
          stream.stream_ops?.dup?.(stream);
          return stream;
        }, doSetAttr(stream, node, attr) {
          var setattr = stream?.stream_ops.setattr;
          var arg = setattr ? stream : node;
          setattr ??= node.node_ops.setattr;
          FS.checkOpExists(setattr, 63);
          try {
            setattr(arg, attr);
          } catch (e) {
            if (e instanceof RangeError) {
              throw new FS.ErrnoError(22);
            }
            throw e;
          }
        }, chrdev_stream_ops: { open(stream) {
          var device = FS.getDevice(stream.node.rdev);
          stream.stream_ops = device.stream_ops;
          stream.stream_ops.open?.(stream);
        }, llseek() {
          throw new FS.ErrnoError(70);
        } }, major: (dev) => dev >> 8, minor: (dev) => dev & 255, makedev: (ma, mi) => ma << 8 | mi, registerDevice(dev, ops) {
          FS.devices[dev] = { stream_ops: ops };
        }, getDevice: (dev) => FS.devices[dev], getMounts(mount) {
          var mounts = [];
          var check = [mount];
          while (check.length) {
            var m = check.pop();
            mounts.push(m);
            check.push(...m.mounts);
          }
          return mounts;
        }, syncfs(populate, callback) {
          if (typeof populate == "function") {
            callback = populate;
            populate = false;
          }
          FS.syncFSRequests++;
          if (FS.syncFSRequests > 1) {
            err(`warning: ${FS.syncFSRequests} FS.syncfs operations in flight at once, probably just doing extra work`);
          }
          var mounts = FS.getMounts(FS.root.mount);
          var completed = 0;
          function doCallback(errCode) {
            FS.syncFSRequests--;
            return callback(errCode);
          }
          function done(errCode) {
            if (errCode) {
              if (!done.errored) {
                done.errored = true;
                return doCallback(errCode);
              }
              return;
            }
            if (++completed >= mounts.length) {
              doCallback(null);
            }
          }
          for (var mount of mounts) {
            if (mount.type.syncfs) {
              mount.type.syncfs(mount, populate, done);
            } else {
              done(null);
            }
          }
        }, mount(type, opts, mountpoint) {
          var root = mountpoint === "/";
          var pseudo = !mountpoint;
          var node;
          if (root && FS.root) {
            throw new FS.ErrnoError(10);
          } else if (!root && !pseudo) {
            var lookup = FS.lookupPath(mountpoint, { follow_mount: false });
            mountpoint = lookup.path;
            node = lookup.node;
            if (FS.isMountpoint(node)) {
              throw new FS.ErrnoError(10);
            }
            if (!FS.isDir(node.mode)) {
              throw new FS.ErrnoError(54);
            }
          }
          var mount = { type, opts, mountpoint, mounts: [] };
          var mountRoot = type.mount(mount);
          mountRoot.mount = mount;
          mount.root = mountRoot;
          if (root) {
            FS.root = mountRoot;
          } else if (node) {
            node.mounted = mount;
            if (node.mount) {
              node.mount.mounts.push(mount);
            }
          }
          return mountRoot;
        }, unmount(mountpoint) {
          var lookup = FS.lookupPath(mountpoint, { follow_mount: false });
          if (!FS.isMountpoint(lookup.node)) {
            throw new FS.ErrnoError(28);
          }
          var node = lookup.node;
          var mount = node.mounted;
          var mounts = FS.getMounts(mount);
          for (var [hash, current] of Object.entries(FS.nameTable)) {
            while (current) {
              var next = current.name_next;
              if (mounts.includes(current.mount)) {
                FS.destroyNode(current);
              }
              current = next;
            }
          }
          node.mounted = null;
          var idx = node.mount.mounts.indexOf(mount);
          node.mount.mounts.splice(idx, 1);
        }, lookup(parent, name) {
          return parent.node_ops.lookup(parent, name);
        }, mknod(path, mode, dev) {
          var lookup = FS.lookupPath(path, { parent: true });
          var parent = lookup.node;
          var name = PATH.basename(path);
          if (!name) {
            throw new FS.ErrnoError(28);
          }
          if (name === "." || name === "..") {
            throw new FS.ErrnoError(20);
          }
          var errCode = FS.mayCreate(parent, name);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.mknod) {
            throw new FS.ErrnoError(63);
          }
          return parent.node_ops.mknod(parent, name, mode, dev);
        }, statfs(path) {
          return FS.statfsNode(FS.lookupPath(path, { follow: true }).node);
        }, statfsStream(stream) {
          return FS.statfsNode(stream.node);
        }, statfsNode(node) {
          var rtn = { bsize: 4096, frsize: 4096, blocks: 1e6, bfree: 5e5, bavail: 5e5, files: FS.nextInode, ffree: FS.nextInode - 1, fsid: 42, flags: 2, namelen: 255 };
          if (node.node_ops.statfs) {
            Object.assign(rtn, node.node_ops.statfs(node.mount.opts.root));
          }
          return rtn;
        }, create(path, mode = 438) {
          mode &= 4095;
          mode |= 32768;
          return FS.mknod(path, mode, 0);
        }, mkdir(path, mode = 511) {
          mode &= 511 | 512;
          mode |= 16384;
          return FS.mknod(path, mode, 0);
        }, mkdirTree(path, mode) {
          var dirs = path.split("/");
          var d = "";
          for (var dir of dirs) {
            if (!dir) continue;
            if (d || PATH.isAbs(path)) d += "/";
            d += dir;
            try {
              FS.mkdir(d, mode);
            } catch (e) {
              if (e.errno != 20) throw e;
            }
          }
        }, mkdev(path, mode, dev) {
          if (typeof dev == "undefined") {
            dev = mode;
            mode = 438;
          }
          mode |= 8192;
          return FS.mknod(path, mode, dev);
        }, symlink(oldpath, newpath) {
          if (!PATH_FS.resolve(oldpath)) {
            throw new FS.ErrnoError(44);
          }
          var lookup = FS.lookupPath(newpath, { parent: true });
          var parent = lookup.node;
          if (!parent) {
            throw new FS.ErrnoError(44);
          }
          var newname = PATH.basename(newpath);
          var errCode = FS.mayCreate(parent, newname);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.symlink) {
            throw new FS.ErrnoError(63);
          }
          return parent.node_ops.symlink(parent, newname, oldpath);
        }, link(oldpath, newpath, flags) {
          var lookup = FS.lookupPath(newpath, { parent: true });
          var parent = lookup.node;
          if (!parent) {
            throw new FS.ErrnoError(44);
          }
          var newname = PATH.basename(newpath);
          var errCode = FS.mayCreate(parent, newname);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.link) {
            throw new FS.ErrnoError(34);
          }
          return parent.node_ops.link(parent, newname, oldpath, flags);
        }, rename(old_path, new_path) {
          var old_dirname = PATH.dirname(old_path);
          var new_dirname = PATH.dirname(new_path);
          var old_name = PATH.basename(old_path);
          var new_name = PATH.basename(new_path);
          var lookup, old_dir, new_dir;
          lookup = FS.lookupPath(old_path, { parent: true });
          old_dir = lookup.node;
          lookup = FS.lookupPath(new_path, { parent: true });
          new_dir = lookup.node;
          if (!old_dir || !new_dir) throw new FS.ErrnoError(44);
          if (old_dir.mount !== new_dir.mount) {
            throw new FS.ErrnoError(75);
          }
          var old_node = FS.lookupNode(old_dir, old_name);
          var relative4 = PATH_FS.relative(old_path, new_dirname);
          if (relative4.charAt(0) !== ".") {
            throw new FS.ErrnoError(28);
          }
          relative4 = PATH_FS.relative(new_path, old_dirname);
          if (relative4.charAt(0) !== ".") {
            throw new FS.ErrnoError(55);
          }
          var new_node;
          try {
            new_node = FS.lookupNode(new_dir, new_name);
          } catch (e) {
          }
          if (old_node === new_node) {
            return;
          }
          var isdir = FS.isDir(old_node.mode);
          var errCode = FS.mayDelete(old_dir, old_name, isdir);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          errCode = new_node ? FS.mayDelete(new_dir, new_name, isdir) : FS.mayCreate(new_dir, new_name);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!old_dir.node_ops.rename) {
            throw new FS.ErrnoError(63);
          }
          if (FS.isMountpoint(old_node) || new_node && FS.isMountpoint(new_node)) {
            throw new FS.ErrnoError(10);
          }
          if (new_dir !== old_dir) {
            errCode = FS.nodePermissions(old_dir, "w");
            if (errCode) {
              throw new FS.ErrnoError(errCode);
            }
          }
          FS.hashRemoveNode(old_node);
          try {
            old_dir.node_ops.rename(old_node, new_dir, new_name);
            old_node.parent = new_dir;
          } catch (e) {
            throw e;
          } finally {
            FS.hashAddNode(old_node);
          }
        }, rmdir(path) {
          var lookup = FS.lookupPath(path, { parent: true });
          var parent = lookup.node;
          var name = PATH.basename(path);
          var node = FS.lookupNode(parent, name);
          var errCode = FS.mayDelete(parent, name, true);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.rmdir) {
            throw new FS.ErrnoError(63);
          }
          if (FS.isMountpoint(node)) {
            throw new FS.ErrnoError(10);
          }
          parent.node_ops.rmdir(parent, name);
          FS.destroyNode(node);
        }, readdir(path) {
          var lookup = FS.lookupPath(path, { follow: true });
          var node = lookup.node;
          var readdir = FS.checkOpExists(node.node_ops.readdir, 54);
          return readdir(node);
        }, unlink(path) {
          var lookup = FS.lookupPath(path, { parent: true });
          var parent = lookup.node;
          if (!parent) {
            throw new FS.ErrnoError(44);
          }
          var name = PATH.basename(path);
          var node = FS.lookupNode(parent, name);
          var errCode = FS.mayDelete(parent, name, false);
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          if (!parent.node_ops.unlink) {
            throw new FS.ErrnoError(63);
          }
          if (FS.isMountpoint(node)) {
            throw new FS.ErrnoError(10);
          }
          parent.node_ops.unlink(parent, name);
          FS.destroyNode(node);
        }, readlink(path) {
          var lookup = FS.lookupPath(path);
          var link = lookup.node;
          if (!link) {
            throw new FS.ErrnoError(44);
          }
          if (!link.node_ops.readlink) {
            throw new FS.ErrnoError(28);
          }
          return link.node_ops.readlink(link);
        }, stat(path, dontFollow) {
          var lookup = FS.lookupPath(path, { follow: !dontFollow });
          var node = lookup.node;
          var getattr = FS.checkOpExists(node.node_ops.getattr, 63);
          return getattr(node);
        }, fstat(fd) {
          var stream = FS.getStreamChecked(fd);
          var node = stream.node;
          var getattr = stream.stream_ops.getattr;
          var arg = getattr ? stream : node;
          getattr ??= node.node_ops.getattr;
          FS.checkOpExists(getattr, 63);
          return getattr(arg);
        }, lstat(path) {
          return FS.stat(path, true);
        }, doChmod(stream, node, mode, dontFollow) {
          FS.doSetAttr(stream, node, { mode: mode & 4095 | node.mode & ~4095, ctime: Date.now(), dontFollow });
        }, chmod(path, mode, dontFollow) {
          var node;
          if (typeof path == "string") {
            var lookup = FS.lookupPath(path, { follow: !dontFollow });
            node = lookup.node;
          } else {
            node = path;
          }
          FS.doChmod(null, node, mode, dontFollow);
        }, lchmod(path, mode) {
          FS.chmod(path, mode, true);
        }, fchmod(fd, mode) {
          var stream = FS.getStreamChecked(fd);
          FS.doChmod(stream, stream.node, mode, false);
        }, doChown(stream, node, dontFollow) {
          FS.doSetAttr(stream, node, { timestamp: Date.now(), dontFollow });
        }, chown(path, uid, gid, dontFollow) {
          var node;
          if (typeof path == "string") {
            var lookup = FS.lookupPath(path, { follow: !dontFollow });
            node = lookup.node;
          } else {
            node = path;
          }
          FS.doChown(null, node, dontFollow);
        }, lchown(path, uid, gid) {
          FS.chown(path, uid, gid, true);
        }, fchown(fd, uid, gid) {
          var stream = FS.getStreamChecked(fd);
          FS.doChown(stream, stream.node, false);
        }, doTruncate(stream, node, len) {
          if (FS.isDir(node.mode)) {
            throw new FS.ErrnoError(31);
          }
          if (!FS.isFile(node.mode)) {
            throw new FS.ErrnoError(28);
          }
          var errCode = FS.nodePermissions(node, "w");
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          FS.doSetAttr(stream, node, { size: len, timestamp: Date.now() });
        }, truncate(path, len) {
          if (len < 0) {
            throw new FS.ErrnoError(28);
          }
          var node;
          if (typeof path == "string") {
            var lookup = FS.lookupPath(path, { follow: true });
            node = lookup.node;
          } else {
            node = path;
          }
          FS.doTruncate(null, node, len);
        }, ftruncate(fd, len) {
          var stream = FS.getStreamChecked(fd);
          if (len < 0 || (stream.flags & 2097155) === 0) {
            throw new FS.ErrnoError(28);
          }
          FS.doTruncate(stream, stream.node, len);
        }, utime(path, atime, mtime, dontFollow) {
          var lookup = FS.lookupPath(path, { follow: !dontFollow });
          FS.doSetAttr(null, lookup.node, { atime, mtime, dontFollow });
        }, open(path, flags, mode = 438) {
          if (path === "") {
            throw new FS.ErrnoError(44);
          }
          flags = FS_modeStringToFlags(flags);
          if (flags & 64) {
            mode = mode & 4095 | 32768;
          } else {
            mode = 0;
          }
          var node;
          var isDirPath;
          if (typeof path == "object") {
            node = path;
          } else {
            isDirPath = path.endsWith("/");
            var lookup = FS.lookupPath(path, { follow: !(flags & 131072), noent_okay: true });
            node = lookup.node;
            path = lookup.path;
          }
          var created = false;
          if (flags & 64) {
            if (node) {
              if (flags & 128) {
                throw new FS.ErrnoError(20);
              }
            } else if (isDirPath) {
              throw new FS.ErrnoError(31);
            } else {
              node = FS.mknod(path, mode | 511, 0);
              created = true;
            }
          }
          if (!node) {
            throw new FS.ErrnoError(44);
          }
          if (FS.isChrdev(node.mode)) {
            flags &= ~512;
          }
          if (flags & 65536 && !FS.isDir(node.mode)) {
            throw new FS.ErrnoError(54);
          }
          if (!created) {
            var errCode = FS.mayOpen(node, flags);
            if (errCode) {
              throw new FS.ErrnoError(errCode);
            }
          }
          if (flags & 512 && !created) {
            FS.truncate(node, 0);
          }
          flags &= ~(128 | 512 | 131072);
          var stream = FS.createStream({ node, path: FS.getPath(node), flags, seekable: true, position: 0, stream_ops: node.stream_ops, ungotten: [], error: false });
          if (stream.stream_ops.open) {
            stream.stream_ops.open(stream);
          }
          if (created) {
            FS.chmod(node, mode & 511);
          }
          return stream;
        }, close(stream) {
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if (stream.getdents) stream.getdents = null;
          stream.node?.notifyListeners(32);
          try {
            if (stream.stream_ops.close) {
              stream.stream_ops.close(stream);
            }
          } catch (e) {
            throw e;
          } finally {
            FS.closeStream(stream.fd);
          }
          stream.fd = null;
        }, isClosed(stream) {
          return stream.fd === null;
        }, llseek(stream, offset, whence) {
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if (!stream.seekable || !stream.stream_ops.llseek) {
            throw new FS.ErrnoError(70);
          }
          if (whence != 0 && whence != 1 && whence != 2) {
            throw new FS.ErrnoError(28);
          }
          stream.position = stream.stream_ops.llseek(stream, offset, whence);
          stream.ungotten = [];
          return stream.position;
        }, read(stream, buffer, offset, length, position) {
          if (length < 0 || position < 0) {
            throw new FS.ErrnoError(28);
          }
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if ((stream.flags & 2097155) === 1) {
            throw new FS.ErrnoError(8);
          }
          if (FS.isDir(stream.node.mode)) {
            throw new FS.ErrnoError(31);
          }
          if (!stream.stream_ops.read) {
            throw new FS.ErrnoError(28);
          }
          var seeking = typeof position != "undefined";
          if (!seeking) {
            position = stream.position;
          } else if (!stream.seekable) {
            throw new FS.ErrnoError(70);
          }
          var bytesRead = stream.stream_ops.read(stream, buffer, offset, length, position);
          if (!seeking) stream.position += bytesRead;
          return bytesRead;
        }, write(stream, buffer, offset, length, position, canOwn) {
          if (length < 0 || position < 0) {
            throw new FS.ErrnoError(28);
          }
          if (FS.isClosed(stream)) {
            throw new FS.ErrnoError(8);
          }
          if ((stream.flags & 2097155) === 0) {
            throw new FS.ErrnoError(8);
          }
          if (FS.isDir(stream.node.mode)) {
            throw new FS.ErrnoError(31);
          }
          if (!stream.stream_ops.write) {
            throw new FS.ErrnoError(28);
          }
          if (stream.seekable && stream.flags & 1024) {
            FS.llseek(stream, 0, 2);
          }
          var seeking = typeof position != "undefined";
          if (!seeking) {
            position = stream.position;
          } else if (!stream.seekable) {
            throw new FS.ErrnoError(70);
          }
          var bytesWritten = stream.stream_ops.write(stream, buffer, offset, length, position, canOwn);
          if (!seeking) stream.position += bytesWritten;
          return bytesWritten;
        }, mmap(stream, length, position, prot, flags) {
          if ((prot & 2) !== 0 && (flags & 2) === 0 && (stream.flags & 2097155) !== 2) {
            throw new FS.ErrnoError(2);
          }
          if ((stream.flags & 2097155) === 1) {
            throw new FS.ErrnoError(2);
          }
          if (!stream.stream_ops.mmap) {
            throw new FS.ErrnoError(43);
          }
          if (!length) {
            throw new FS.ErrnoError(28);
          }
          return stream.stream_ops.mmap(stream, length, position, prot, flags);
        }, msync(stream, buffer, offset, length, mmapFlags) {
          if (!stream.stream_ops.msync) {
            return 0;
          }
          return stream.stream_ops.msync(stream, buffer, offset, length, mmapFlags);
        }, ioctl(stream, cmd, arg) {
          if (!stream.stream_ops.ioctl) {
            throw new FS.ErrnoError(59);
          }
          return stream.stream_ops.ioctl(stream, cmd, arg);
        }, readFile(path, opts = {}) {
          opts.flags = opts.flags ?? 0;
          opts.encoding = opts.encoding ?? "binary";
          if (opts.encoding !== "utf8" && opts.encoding !== "binary") {
            abort(`Invalid encoding type "${opts.encoding}"`);
          }
          var stream = FS.open(path, opts.flags);
          var stat2 = FS.stat(path);
          var length = stat2.size;
          var buf = new Uint8Array(length);
          FS.read(stream, buf, 0, length, 0);
          if (opts.encoding === "utf8") {
            buf = UTF8ArrayToString(buf);
          }
          FS.close(stream);
          return buf;
        }, writeFile(path, data2, opts = {}) {
          opts.flags = opts.flags ?? 577;
          var stream = FS.open(path, opts.flags, opts.mode);
          data2 = FS_fileDataToTypedArray(data2);
          FS.write(stream, data2, 0, data2.byteLength, void 0, opts.canOwn);
          FS.close(stream);
        }, cwd: () => FS.currentPath, chdir(path) {
          var lookup = FS.lookupPath(path, { follow: true });
          if (lookup.node === null) {
            throw new FS.ErrnoError(44);
          }
          if (!FS.isDir(lookup.node.mode)) {
            throw new FS.ErrnoError(54);
          }
          var errCode = FS.nodePermissions(lookup.node, "x");
          if (errCode) {
            throw new FS.ErrnoError(errCode);
          }
          FS.currentPath = lookup.path;
        }, createDefaultDirectories() {
          FS.mkdir("/tmp");
          FS.mkdir("/home");
          FS.mkdir("/home/web_user");
        }, createDefaultDevices() {
          FS.mkdir("/dev");
          FS.registerDevice(FS.makedev(1, 3), { read: () => 0, write: (stream, buffer, offset, length, pos) => length, llseek: () => 0 });
          FS.mkdev("/dev/null", FS.makedev(1, 3));
          TTY.register(FS.makedev(5, 0), TTY.default_tty_ops);
          TTY.register(FS.makedev(6, 0), TTY.default_tty1_ops);
          FS.mkdev("/dev/tty", FS.makedev(5, 0));
          FS.mkdev("/dev/tty1", FS.makedev(6, 0));
          var randomBuffer = new Uint8Array(1024), randomLeft = 0;
          var randomByte = () => {
            if (randomLeft === 0) {
              randomFill(randomBuffer);
              randomLeft = randomBuffer.byteLength;
            }
            return randomBuffer[--randomLeft];
          };
          FS.createDevice("/dev", "random", randomByte);
          FS.createDevice("/dev", "urandom", randomByte);
          FS.mkdir("/dev/shm");
          FS.mkdir("/dev/shm/tmp");
        }, createSpecialDirectories() {
          FS.mkdir("/proc");
          var proc_self = FS.mkdir("/proc/self");
          FS.mkdir("/proc/self/fd");
          FS.mount({ mount() {
            var node = FS.createNode(proc_self, "fd", 16895, 73);
            node.stream_ops = { llseek: MEMFS.stream_ops.llseek };
            node.node_ops = { lookup(parent, name) {
              var fd = +name;
              var stream = FS.getStreamChecked(fd);
              var ret = { parent: null, mount: { mountpoint: "fake" }, node_ops: { readlink: () => stream.path }, id: fd + 1 };
              ret.parent = ret;
              return ret;
            }, readdir() {
              return Array.from(FS.streams.entries()).filter(([k, v]) => v).map(([k, v]) => k.toString());
            } };
            return node;
          } }, {}, "/proc/self/fd");
        }, createStandardStreams(input, output, error) {
          if (input) {
            FS.createDevice("/dev", "stdin", input);
          } else {
            FS.symlink("/dev/tty", "/dev/stdin");
          }
          if (output) {
            FS.createDevice("/dev", "stdout", null, output);
          } else {
            FS.symlink("/dev/tty", "/dev/stdout");
          }
          if (error) {
            FS.createDevice("/dev", "stderr", null, error);
          } else {
            FS.symlink("/dev/tty1", "/dev/stderr");
          }
          var stdin = FS.open("/dev/stdin", 0);
          var stdout = FS.open("/dev/stdout", 1);
          var stderr = FS.open("/dev/stderr", 1);
        }, staticInit() {
          FS.nameTable = new Array(4096);
          FS.mount(MEMFS, {}, "/");
          FS.createDefaultDirectories();
          FS.createDefaultDevices();
          FS.createSpecialDirectories();
          FS.filesystems = { MEMFS };
        }, init(input, output, error) {
          FS.initialized = true;
          input ??= Module["stdin"];
          output ??= Module["stdout"];
          error ??= Module["stderr"];
          FS.createStandardStreams(input, output, error);
        }, quit() {
          FS.initialized = false;
          for (var stream of FS.streams) {
            if (stream) {
              FS.close(stream);
            }
          }
        }, findObject(path, dontResolveLastLink) {
          var ret = FS.analyzePath(path, dontResolveLastLink);
          if (!ret.exists) {
            return null;
          }
          return ret.object;
        }, analyzePath(path, dontResolveLastLink) {
          try {
            var lookup = FS.lookupPath(path, { follow: !dontResolveLastLink });
            path = lookup.path;
          } catch (e) {
          }
          var ret = { isRoot: false, exists: false, error: 0, name: null, path: null, object: null, parentExists: false, parentPath: null, parentObject: null };
          try {
            var lookup = FS.lookupPath(path, { parent: true });
            ret.parentExists = true;
            ret.parentPath = lookup.path;
            ret.parentObject = lookup.node;
            ret.name = PATH.basename(path);
            lookup = FS.lookupPath(path, { follow: !dontResolveLastLink });
            ret.exists = true;
            ret.path = lookup.path;
            ret.object = lookup.node;
            ret.name = lookup.node.name;
            ret.isRoot = lookup.path === "/";
          } catch (e) {
            ret.error = e.errno;
          }
          return ret;
        }, createPath(parent, path, canRead, canWrite) {
          parent = typeof parent == "string" ? parent : FS.getPath(parent);
          var parts = path.split("/").reverse();
          while (parts.length) {
            var part = parts.pop();
            if (!part) continue;
            var current = PATH.join2(parent, part);
            try {
              FS.mkdir(current);
            } catch (e) {
              if (e.errno != 20) throw e;
            }
            parent = current;
          }
          return current;
        }, createFile(parent, name, properties, canRead, canWrite) {
          var path = PATH.join2(typeof parent == "string" ? parent : FS.getPath(parent), name);
          var mode = FS_getMode(canRead, canWrite);
          return FS.create(path, mode);
        }, createDataFile(parent, name, data2, canRead, canWrite, canOwn) {
          var path = name;
          if (parent) {
            parent = typeof parent == "string" ? parent : FS.getPath(parent);
            path = name ? PATH.join2(parent, name) : parent;
          }
          var mode = FS_getMode(canRead, canWrite);
          var node = FS.create(path, mode);
          if (data2) {
            data2 = FS_fileDataToTypedArray(data2);
            FS.chmod(node, mode | 146);
            var stream = FS.open(node, 577);
            FS.write(stream, data2, 0, data2.length, 0, canOwn);
            FS.close(stream);
            FS.chmod(node, mode);
          }
        }, createDevice(parent, name, input, output) {
          var path = PATH.join2(typeof parent == "string" ? parent : FS.getPath(parent), name);
          var mode = FS_getMode(!!input, !!output);
          FS.createDevice.major ??= 64;
          var dev = FS.makedev(FS.createDevice.major++, 0);
          FS.registerDevice(dev, { open(stream) {
            stream.seekable = false;
          }, close(stream) {
            if (output?.buffer?.length) {
              output(10);
            }
          }, read(stream, buffer, offset, length, pos) {
            var bytesRead = 0;
            for (var i = 0; i < length; i++) {
              var result2;
              try {
                result2 = input();
              } catch (e) {
                throw new FS.ErrnoError(29);
              }
              if (result2 === void 0 && bytesRead === 0) {
                throw new FS.ErrnoError(6);
              }
              if (result2 === null || result2 === void 0) break;
              bytesRead++;
              buffer[offset + i] = result2;
            }
            if (bytesRead) {
              stream.node.atime = Date.now();
            }
            return bytesRead;
          }, write(stream, buffer, offset, length, pos) {
            for (var i = 0; i < length; i++) {
              try {
                output(buffer[offset + i]);
              } catch (e) {
                throw new FS.ErrnoError(29);
              }
            }
            if (length) {
              stream.node.mtime = stream.node.ctime = Date.now();
            }
            return i;
          } });
          return FS.mkdev(path, mode, dev);
        }, forceLoadFile(obj) {
          if (obj.isDevice || obj.isFolder || obj.link || obj.contents) return true;
          if (globalThis.XMLHttpRequest) {
            abort("Lazy loading should have been performed (contents set) in createLazyFile, but it was not. Lazy loading only works in web workers. Use --embed-file or --preload-file in emcc on the main thread.");
          } else {
            try {
              obj.contents = readBinary(obj.url);
            } catch (e) {
              throw new FS.ErrnoError(29);
            }
          }
        }, createLazyFile(parent, name, url, canRead, canWrite) {
          class LazyUint8Array {
            lengthKnown = false;
            chunks = [];
            get(idx) {
              if (idx > this.length - 1 || idx < 0) {
                return void 0;
              }
              var chunkOffset = idx % this.chunkSize;
              var chunkNum = idx / this.chunkSize | 0;
              return this.getter(chunkNum)[chunkOffset];
            }
            setDataGetter(getter) {
              this.getter = getter;
            }
            cacheLength() {
              var xhr = new XMLHttpRequest();
              xhr.open("HEAD", url, false);
              xhr.send(null);
              if (!(xhr.status >= 200 && xhr.status < 300 || xhr.status === 304)) abort("Couldn't load " + url + ". Status: " + xhr.status);
              var datalength = Number(xhr.getResponseHeader("Content-length"));
              var header;
              var hasByteServing = (header = xhr.getResponseHeader("Accept-Ranges")) && header === "bytes";
              var usesGzip = (header = xhr.getResponseHeader("Content-Encoding")) && header === "gzip";
              var chunkSize = 1024 * 1024;
              if (!hasByteServing) chunkSize = datalength;
              var doXHR = (from, to) => {
                if (from > to) abort(`invalid range (${from}, ${to}) or no bytes requested!`);
                if (to > datalength - 1) abort(`only ${datalength} bytes available! programmer error!`);
                var xhr2 = new XMLHttpRequest();
                xhr2.open("GET", url, false);
                if (datalength !== chunkSize) xhr2.setRequestHeader("Range", "bytes=" + from + "-" + to);
                xhr2.responseType = "arraybuffer";
                if (xhr2.overrideMimeType) {
                  xhr2.overrideMimeType("text/plain; charset=x-user-defined");
                }
                xhr2.send(null);
                if (!(xhr2.status >= 200 && xhr2.status < 300 || xhr2.status === 304)) abort("Couldn't load " + url + ". Status: " + xhr2.status);
                if (xhr2.response !== void 0) {
                  return new Uint8Array(xhr2.response || []);
                }
                return intArrayFromString(xhr2.responseText ?? "", true);
              };
              var lazyArray2 = this;
              lazyArray2.setDataGetter((chunkNum) => {
                var start = chunkNum * chunkSize;
                var end = (chunkNum + 1) * chunkSize - 1;
                end = Math.min(end, datalength - 1);
                if (typeof lazyArray2.chunks[chunkNum] == "undefined") {
                  lazyArray2.chunks[chunkNum] = doXHR(start, end);
                }
                if (typeof lazyArray2.chunks[chunkNum] == "undefined") abort("doXHR failed!");
                return lazyArray2.chunks[chunkNum];
              });
              if (usesGzip || !datalength) {
                chunkSize = datalength = 1;
                datalength = this.getter(0).length;
                chunkSize = datalength;
                out("LazyFiles on gzip forces download of the whole file when length is accessed");
              }
              this._length = datalength;
              this._chunkSize = chunkSize;
              this.lengthKnown = true;
            }
            get length() {
              if (!this.lengthKnown) {
                this.cacheLength();
              }
              return this._length;
            }
            get chunkSize() {
              if (!this.lengthKnown) {
                this.cacheLength();
              }
              return this._chunkSize;
            }
          }
          if (globalThis.XMLHttpRequest) {
            if (!ENVIRONMENT_IS_WORKER) abort("Cannot do synchronous binary XHRs outside webworkers in modern browsers. Use --embed-file or --preload-file in emcc");
            var lazyArray = new LazyUint8Array();
            var properties = { isDevice: false, contents: lazyArray };
          } else {
            var properties = { isDevice: false, url };
          }
          var node = FS.createFile(parent, name, properties, canRead, canWrite);
          if (properties.contents) {
            node.contents = properties.contents;
          } else if (properties.url) {
            node.contents = null;
            node.url = properties.url;
          }
          Object.defineProperties(node, { usedBytes: { get: function() {
            return this.contents.length;
          } } });
          var stream_ops = {};
          for (const [key, fn] of Object.entries(node.stream_ops)) {
            stream_ops[key] = (...args) => {
              FS.forceLoadFile(node);
              return fn(...args);
            };
          }
          function writeChunks(stream, buffer, offset, length, position) {
            var contents = stream.node.contents;
            if (position >= contents.length) return 0;
            var size = Math.min(contents.length - position, length);
            if (contents.slice) {
              for (var i = 0; i < size; i++) {
                buffer[offset + i] = contents[position + i];
              }
            } else {
              for (var i = 0; i < size; i++) {
                buffer[offset + i] = contents.get(position + i);
              }
            }
            return size;
          }
          stream_ops.read = (stream, buffer, offset, length, position) => {
            FS.forceLoadFile(node);
            return writeChunks(stream, buffer, offset, length, position);
          };
          stream_ops.mmap = (stream, length, position, prot, flags) => {
            FS.forceLoadFile(node);
            var ptr = mmapAlloc(length);
            if (!ptr) {
              throw new FS.ErrnoError(48);
            }
            writeChunks(stream, HEAP8, ptr, length, position);
            return { ptr, allocated: true };
          };
          node.stream_ops = stream_ops;
          return node;
        } };
        var SYSCALLS = { currentUmask: 18, calculateAt(dirfd, path, allowEmpty) {
          if (PATH.isAbs(path)) {
            return path;
          }
          var dir;
          if (dirfd === -100) {
            dir = FS.cwd();
          } else {
            var dirstream = SYSCALLS.getStreamFromFD(dirfd);
            dir = dirstream.path;
          }
          if (path.length == 0) {
            if (!allowEmpty) {
              throw new FS.ErrnoError(44);
            }
            return dir;
          }
          return dir + "/" + path;
        }, writeStat(buf, stat2) {
          HEAPU32[buf >> 2] = stat2.dev;
          HEAPU32[buf + 4 >> 2] = stat2.mode;
          HEAPU32[buf + 8 >> 2] = stat2.nlink;
          HEAPU32[buf + 12 >> 2] = stat2.uid;
          HEAPU32[buf + 16 >> 2] = stat2.gid;
          HEAPU32[buf + 20 >> 2] = stat2.rdev;
          HEAP64[buf + 24 >> 3] = BigInt(stat2.size);
          HEAP32[buf + 32 >> 2] = 4096;
          HEAP32[buf + 36 >> 2] = stat2.blocks;
          var atime = stat2.atime.getTime();
          var mtime = stat2.mtime.getTime();
          var ctime = stat2.ctime.getTime();
          HEAP64[buf + 40 >> 3] = BigInt(Math.floor(atime / 1e3));
          HEAPU32[buf + 48 >> 2] = atime % 1e3 * 1e3 * 1e3;
          HEAP64[buf + 56 >> 3] = BigInt(Math.floor(mtime / 1e3));
          HEAPU32[buf + 64 >> 2] = mtime % 1e3 * 1e3 * 1e3;
          HEAP64[buf + 72 >> 3] = BigInt(Math.floor(ctime / 1e3));
          HEAPU32[buf + 80 >> 2] = ctime % 1e3 * 1e3 * 1e3;
          HEAP64[buf + 88 >> 3] = BigInt(stat2.ino);
          return 0;
        }, writeStatFs(buf, stats) {
          HEAPU32[buf + 4 >> 2] = stats.bsize;
          HEAPU32[buf + 60 >> 2] = stats.bsize;
          HEAP64[buf + 8 >> 3] = BigInt(stats.blocks);
          HEAP64[buf + 16 >> 3] = BigInt(stats.bfree);
          HEAP64[buf + 24 >> 3] = BigInt(stats.bavail);
          HEAP64[buf + 32 >> 3] = BigInt(stats.files);
          HEAP64[buf + 40 >> 3] = BigInt(stats.ffree);
          HEAPU32[buf + 48 >> 2] = stats.fsid;
          HEAPU32[buf + 64 >> 2] = stats.flags;
          HEAPU32[buf + 56 >> 2] = stats.namelen;
        }, doMsync(addr, stream, len, flags, offset) {
          if (!FS.isFile(stream.node.mode)) {
            throw new FS.ErrnoError(43);
          }
          if (flags & 2) {
            return 0;
          }
          var buffer = HEAPU8.subarray(addr, addr + len);
          FS.msync(stream, buffer, offset, len, flags);
        }, getStreamFromFD(fd) {
          var stream = FS.getStreamChecked(fd);
          return stream;
        }, varargs: void 0, getStr(ptr) {
          var ret = UTF8ToString(ptr);
          return ret;
        } };
        function _fd_close(fd) {
          try {
            var stream = SYSCALLS.getStreamFromFD(fd);
            FS.close(stream);
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var doReadv = (stream, iov, iovcnt, offset) => {
          var ret = 0;
          for (var i = 0; i < iovcnt; i++) {
            var ptr = HEAPU32[iov >> 2];
            var len = HEAPU32[iov + 4 >> 2];
            iov += 8;
            try {
              var curr = FS.read(stream, HEAP8, ptr, len, offset);
            } catch (e) {
              if (ret > 0 && e instanceof FS.ErrnoError && (e.errno == 6 || e.errno == 6)) {
                break;
              }
              throw e;
            }
            if (curr < 0) return -1;
            ret += curr;
            if (curr < len) break;
            if (typeof offset != "undefined") {
              offset += curr;
            }
          }
          return ret;
        };
        function _fd_read(fd, iov, iovcnt, pnum) {
          try {
            var stream = SYSCALLS.getStreamFromFD(fd);
            var num = doReadv(stream, iov, iovcnt);
            HEAPU32[pnum >> 2] = num;
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var INT53_MAX = 9007199254740992;
        var INT53_MIN = -9007199254740992;
        var bigintToI53Checked = (num) => num < INT53_MIN || num > INT53_MAX ? NaN : Number(num);
        function _fd_seek(fd, offset, whence, newOffset) {
          offset = bigintToI53Checked(offset);
          try {
            if (isNaN(offset)) return 22;
            var stream = SYSCALLS.getStreamFromFD(fd);
            FS.llseek(stream, offset, whence);
            HEAP64[newOffset >> 3] = BigInt(stream.position);
            if (stream.getdents && offset === 0 && whence === 0) stream.getdents = null;
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var doWritev = (stream, iov, iovcnt, offset) => {
          if (iovcnt == 1) {
            return FS.write(stream, HEAP8, HEAPU32[iov >> 2], HEAPU32[iov + 4 >> 2], offset);
          }
          var total = 0;
          for (var i = 0, p = iov; i < iovcnt; i++, p += 8) {
            total += HEAPU32[p + 4 >> 2];
          }
          var view = new Uint8Array(total);
          var voff = 0;
          for (var i = 0; i < iovcnt; i++, iov += 8) {
            var ptr = HEAPU32[iov >> 2];
            var len = HEAPU32[iov + 4 >> 2];
            view.set(HEAPU8.subarray(ptr, ptr + len), voff);
            voff += len;
          }
          return FS.write(stream, view, 0, total, offset);
        };
        function _fd_write(fd, iov, iovcnt, pnum) {
          try {
            var stream = SYSCALLS.getStreamFromFD(fd);
            var num = doWritev(stream, iov, iovcnt);
            HEAPU32[pnum >> 2] = num;
            return 0;
          } catch (e) {
            if (typeof FS == "undefined" || !(e.name === "ErrnoError")) throw e;
            return e.errno;
          }
        }
        var wasmTableMirror = [];
        var getWasmTableEntry = (funcPtr) => {
          var func = wasmTableMirror[funcPtr];
          if (!func) {
            wasmTableMirror[funcPtr] = func = wasmTable.get(funcPtr);
          }
          return func;
        };
        var stringToUTF8 = (str, outPtr, maxBytesToWrite) => stringToUTF8Array(str, HEAPU8, outPtr, maxBytesToWrite);
        FS.createPreloadedFile = FS_createPreloadedFile;
        FS.preloadFile = FS_preloadFile;
        FS.staticInit();
        {
          if (Module["noExitRuntime"]) noExitRuntime = Module["noExitRuntime"];
          if (Module["print"]) out = Module["print"];
          if (Module["printErr"]) err = Module["printErr"];
          if (Module["arguments"]) programArgs = Module["arguments"];
          if (Module["thisProgram"]) thisProgram = Module["thisProgram"];
          var preInit = Module["preInit"];
          if (preInit) {
            if (typeof preInit == "function") Module["preInit"] = preInit = [preInit];
            while (preInit.length > 0) {
              preInit.shift()();
            }
          }
        }
        Module["getValue"] = getValue;
        Module["UTF8ToString"] = UTF8ToString;
        Module["stringToUTF8"] = stringToUTF8;
        Module["lengthBytesUTF8"] = lengthBytesUTF8;
        var _wasm_parse_query, _malloc, _free, _wasm_parse_query_raw, _wasm_free_parse_result, _wasm_parse_plpgsql, _wasm_fingerprint, _wasm_normalize_query, _wasm_parse_query_detailed, _wasm_free_detailed_result, _wasm_scan, _wasm_free_string, __emscripten_timeout, _setThrew, __emscripten_stack_restore, _emscripten_stack_get_current, memory, __indirect_function_table, wasmMemory, wasmTable;
        function assignWasmExports(wasmExports2) {
          _wasm_parse_query = Module["_wasm_parse_query"] = wasmExports2["B"];
          _malloc = Module["_malloc"] = wasmExports2["C"];
          _free = Module["_free"] = wasmExports2["E"];
          _wasm_parse_query_raw = Module["_wasm_parse_query_raw"] = wasmExports2["F"];
          _wasm_free_parse_result = Module["_wasm_free_parse_result"] = wasmExports2["G"];
          _wasm_parse_plpgsql = Module["_wasm_parse_plpgsql"] = wasmExports2["H"];
          _wasm_fingerprint = Module["_wasm_fingerprint"] = wasmExports2["I"];
          _wasm_normalize_query = Module["_wasm_normalize_query"] = wasmExports2["J"];
          _wasm_parse_query_detailed = Module["_wasm_parse_query_detailed"] = wasmExports2["K"];
          _wasm_free_detailed_result = Module["_wasm_free_detailed_result"] = wasmExports2["L"];
          _wasm_scan = Module["_wasm_scan"] = wasmExports2["M"];
          _wasm_free_string = Module["_wasm_free_string"] = wasmExports2["N"];
          __emscripten_timeout = wasmExports2["O"];
          _setThrew = wasmExports2["P"];
          __emscripten_stack_restore = wasmExports2["Q"];
          _emscripten_stack_get_current = wasmExports2["R"];
          memory = wasmMemory = wasmExports2["z"];
          __indirect_function_table = wasmTable = wasmExports2["D"];
        }
        var wasmImports = { c: ___assert_fail, x: __abort_js, w: __emscripten_runtime_keepalive_clear, p: __emscripten_throw_longjmp, o: __setitimer_js, q: _emscripten_resize_heap, m: _exit, u: _fd_close, r: _fd_read, s: _fd_seek, t: _fd_write, g: invoke_i, b: invoke_ii, a: invoke_iii, d: invoke_iiii, k: invoke_iiiii, l: invoke_ji, e: invoke_v, f: invoke_vi, h: invoke_vii, j: invoke_viii, i: invoke_viiii, y: invoke_viiiii, n: invoke_viiiiiiiiiiiii, v: _proc_exit };
        function invoke_iii(index, a1, a2) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1, a2);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_ii(index, a1) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_i(index) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)();
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_v(index) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)();
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_iiii(index, a1, a2, a3) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1, a2, a3);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viiii(index, a1, a2, a3, a4) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3, a4);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viiiiiiiiiiiii(index, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_iiiii(index, a1, a2, a3, a4) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1, a2, a3, a4);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viii(index, a1, a2, a3) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_vi(index, a1) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_vii(index, a1, a2) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_viiiii(index, a1, a2, a3, a4, a5) {
          var sp = stackSave();
          try {
            getWasmTableEntry(index)(a1, a2, a3, a4, a5);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
          }
        }
        function invoke_ji(index, a1) {
          var sp = stackSave();
          try {
            return getWasmTableEntry(index)(a1);
          } catch (e) {
            stackRestore(sp);
            if (!(e instanceof EmscriptenEH)) throw e;
            _setThrew(1, 0);
            return 0n;
          }
        }
        async function run2() {
          preRun();
          if (runDependencies) {
            await resolveRunDependencies();
          }
          var setStatus = Module["setStatus"];
          if (setStatus) {
            setStatus("Running...");
            await new Promise((resolve9) => setTimeout(resolve9, 1));
            setTimeout(setStatus, 1, "");
          }
          if (ABORT) return;
          initRuntime();
          Module["onRuntimeInitialized"]?.();
          postRun();
        }
        var wasmExports;
        wasmExports = await createWasm();
        await run2();
        ;
        return Module;
      };
    })();
    if (typeof exports === "object" && typeof module === "object") {
      module.exports = PgQueryModule;
      module.exports.default = PgQueryModule;
    } else if (typeof define === "function" && define["amd"]) define([], () => PgQueryModule);
  }
});

// node_modules/libpg-query/wasm/index.cjs
var require_wasm = __commonJS({
  "node_modules/libpg-query/wasm/index.cjs"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __exportStar = exports && exports.__exportStar || function(m, exports2) {
      for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports2, p)) __createBinding(exports2, m, p);
    };
    var __importDefault = exports && exports.__importDefault || function(mod) {
      return mod && mod.__esModule ? mod : { "default": mod };
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.scan = exports.normalize = exports.fingerprint = exports.parsePlPgSQL = exports.parse = exports.SqlError = void 0;
    exports.hasSqlDetails = hasSqlDetails;
    exports.formatSqlError = formatSqlError;
    exports.loadModule = loadModule;
    exports.parseSync = parseSync;
    exports.parsePlPgSQLSync = parsePlPgSQLSync;
    exports.fingerprintSync = fingerprintSync;
    exports.normalizeSync = normalizeSync;
    exports.scanSync = scanSync;
    __exportStar(require_types2(), exports);
    var SqlError = class extends Error {
      sqlDetails;
      constructor(message, details) {
        super(message);
        this.name = "SqlError";
        this.sqlDetails = details;
      }
    };
    exports.SqlError = SqlError;
    function hasSqlDetails(error) {
      return error instanceof SqlError && error.sqlDetails !== void 0;
    }
    function formatSqlError(error, query, options = {}) {
      const { showPosition = true, showQuery = true, color = false, maxQueryLength } = options;
      const lines = [];
      const red = color ? "\x1B[31m" : "";
      const yellow = color ? "\x1B[33m" : "";
      const reset = color ? "\x1B[0m" : "";
      lines.push(`${red}Error: ${error.message}${reset}`);
      if (error.sqlDetails) {
        const { cursorPosition, fileName, functionName, lineNumber } = error.sqlDetails;
        if (cursorPosition !== void 0 && cursorPosition >= 0) {
          lines.push(`Position: ${cursorPosition}`);
        }
        if (fileName || functionName || lineNumber) {
          const details = [];
          if (fileName)
            details.push(`file: ${fileName}`);
          if (functionName)
            details.push(`function: ${functionName}`);
          if (lineNumber)
            details.push(`line: ${lineNumber}`);
          lines.push(`Source: ${details.join(", ")}`);
        }
        if (showQuery && showPosition && cursorPosition !== void 0 && cursorPosition >= 0) {
          let displayQuery = query;
          let adjustedPosition = cursorPosition;
          if (maxQueryLength && query.length > maxQueryLength) {
            const start = Math.max(0, cursorPosition - Math.floor(maxQueryLength / 2));
            const end = Math.min(query.length, start + maxQueryLength);
            displayQuery = (start > 0 ? "..." : "") + query.substring(start, end) + (end < query.length ? "..." : "");
            adjustedPosition = cursorPosition - start + (start > 0 ? 3 : 0);
          }
          lines.push(displayQuery);
          lines.push(" ".repeat(adjustedPosition) + `${yellow}^${reset}`);
        }
      } else if (showQuery) {
        let displayQuery = query;
        if (maxQueryLength && query.length > maxQueryLength) {
          displayQuery = query.substring(0, maxQueryLength) + "...";
        }
        lines.push(`Query: ${displayQuery}`);
      }
      return lines.join("\n");
    }
    var libpg_query_js_1 = __importDefault(require_libpg_query());
    var wasmModule;
    var initPromise = (0, libpg_query_js_1.default)().then((module2) => {
      wasmModule = module2;
    });
    function ensureLoaded() {
      if (!wasmModule)
        throw new Error("WASM module not initialized. Call `loadModule()` first.");
    }
    async function loadModule() {
      if (!wasmModule) {
        await initPromise;
      }
    }
    function awaitInit(fn) {
      return (async (...args) => {
        await initPromise;
        return fn(...args);
      });
    }
    function stringToPtr(str) {
      ensureLoaded();
      if (typeof str !== "string") {
        throw new TypeError(`Expected a string, got ${typeof str}`);
      }
      const len = wasmModule.lengthBytesUTF8(str) + 1;
      const ptr = wasmModule._malloc(len);
      try {
        wasmModule.stringToUTF8(str, ptr, len);
        return ptr;
      } catch (error) {
        wasmModule._free(ptr);
        throw error;
      }
    }
    function ptrToString(ptr) {
      ensureLoaded();
      if (typeof ptr !== "number") {
        throw new TypeError(`Expected a number, got ${typeof ptr}`);
      }
      return wasmModule.UTF8ToString(ptr);
    }
    exports.parse = awaitInit(async (query) => {
      if (query === null || query === void 0) {
        throw new Error("Query cannot be null or undefined");
      }
      if (query === "") {
        throw new Error("Query cannot be empty");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_query_raw(queryPtr);
        if (!resultPtr) {
          throw new Error("Failed to parse query: memory allocation failed");
        }
        const parseTreePtr = wasmModule.getValue(resultPtr, "i32");
        const stderrBufferPtr = wasmModule.getValue(resultPtr + 4, "i32");
        const errorPtr = wasmModule.getValue(resultPtr + 8, "i32");
        if (errorPtr) {
          const messagePtr = wasmModule.getValue(errorPtr, "i32");
          const funcnamePtr = wasmModule.getValue(errorPtr + 4, "i32");
          const filenamePtr = wasmModule.getValue(errorPtr + 8, "i32");
          const lineno = wasmModule.getValue(errorPtr + 12, "i32");
          const cursorpos = wasmModule.getValue(errorPtr + 16, "i32");
          const message = messagePtr ? wasmModule.UTF8ToString(messagePtr) : "Unknown error";
          const funcname = funcnamePtr ? wasmModule.UTF8ToString(funcnamePtr) : void 0;
          const filename = filenamePtr ? wasmModule.UTF8ToString(filenamePtr) : void 0;
          throw new SqlError(message, {
            message,
            cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
            // Convert to 0-based
            fileName: filename,
            functionName: funcname,
            lineNumber: lineno > 0 ? lineno : void 0
          });
        }
        if (!parseTreePtr) {
          throw new Error("No parse tree generated");
        }
        const parseTreeStr = wasmModule.UTF8ToString(parseTreePtr);
        return JSON.parse(parseTreeStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_parse_result(resultPtr);
        }
      }
    });
    exports.parsePlPgSQL = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_plpgsql(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (!resultStr.startsWith("{")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    exports.fingerprint = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_fingerprint(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    exports.normalize = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_normalize_query(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    function parseSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      if (query === null || query === void 0) {
        throw new Error("Query cannot be null or undefined");
      }
      if (query === "") {
        throw new Error("Query cannot be empty");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_query_raw(queryPtr);
        if (!resultPtr) {
          throw new Error("Failed to parse query: memory allocation failed");
        }
        const parseTreePtr = wasmModule.getValue(resultPtr, "i32");
        const stderrBufferPtr = wasmModule.getValue(resultPtr + 4, "i32");
        const errorPtr = wasmModule.getValue(resultPtr + 8, "i32");
        if (errorPtr) {
          const messagePtr = wasmModule.getValue(errorPtr, "i32");
          const funcnamePtr = wasmModule.getValue(errorPtr + 4, "i32");
          const filenamePtr = wasmModule.getValue(errorPtr + 8, "i32");
          const lineno = wasmModule.getValue(errorPtr + 12, "i32");
          const cursorpos = wasmModule.getValue(errorPtr + 16, "i32");
          const message = messagePtr ? wasmModule.UTF8ToString(messagePtr) : "Unknown error";
          const funcname = funcnamePtr ? wasmModule.UTF8ToString(funcnamePtr) : void 0;
          const filename = filenamePtr ? wasmModule.UTF8ToString(filenamePtr) : void 0;
          throw new SqlError(message, {
            message,
            cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
            // Convert to 0-based
            fileName: filename,
            functionName: funcname,
            lineNumber: lineno > 0 ? lineno : void 0
          });
        }
        if (!parseTreePtr) {
          throw new Error("No parse tree generated");
        }
        const parseTreeStr = wasmModule.UTF8ToString(parseTreePtr);
        return JSON.parse(parseTreeStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_parse_result(resultPtr);
        }
      }
    }
    function parsePlPgSQLSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_parse_plpgsql(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (!resultStr.startsWith("{")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
    function fingerprintSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_fingerprint(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
    function normalizeSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_normalize_query(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return resultStr;
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
    exports.scan = awaitInit(async (query) => {
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_scan(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    });
    function scanSync(query) {
      if (!wasmModule) {
        throw new Error("WASM module not initialized. Call loadModule() first.");
      }
      const queryPtr = stringToPtr(query);
      let resultPtr = 0;
      try {
        resultPtr = wasmModule._wasm_scan(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith("syntax error") || resultStr.startsWith("deparse error") || resultStr.startsWith("ERROR")) {
          throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
      } finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
          wasmModule._wasm_free_string(resultPtr);
        }
      }
    }
  }
});

// node_modules/postgres-array/index.js
var require_postgres_array = __commonJS({
  "node_modules/postgres-array/index.js"(exports) {
    "use strict";
    exports.parse = function(source, transform) {
      return new ArrayParser(source, transform).parse();
    };
    var ArrayParser = class _ArrayParser {
      constructor(source, transform) {
        this.source = source;
        this.transform = transform || identity2;
        this.position = 0;
        this.entries = [];
        this.recorded = [];
        this.dimension = 0;
      }
      isEof() {
        return this.position >= this.source.length;
      }
      nextCharacter() {
        var character = this.source[this.position++];
        if (character === "\\") {
          return {
            value: this.source[this.position++],
            escaped: true
          };
        }
        return {
          value: character,
          escaped: false
        };
      }
      record(character) {
        this.recorded.push(character);
      }
      newEntry(includeEmpty) {
        var entry;
        if (this.recorded.length > 0 || includeEmpty) {
          entry = this.recorded.join("");
          if (entry === "NULL" && !includeEmpty) {
            entry = null;
          }
          if (entry !== null) entry = this.transform(entry);
          this.entries.push(entry);
          this.recorded = [];
        }
      }
      consumeDimensions() {
        if (this.source[0] === "[") {
          while (!this.isEof()) {
            var char = this.nextCharacter();
            if (char.value === "=") break;
          }
        }
      }
      parse(nested) {
        var character, parser2, quote;
        this.consumeDimensions();
        while (!this.isEof()) {
          character = this.nextCharacter();
          if (character.value === "{" && !quote) {
            this.dimension++;
            if (this.dimension > 1) {
              parser2 = new _ArrayParser(this.source.substr(this.position - 1), this.transform);
              this.entries.push(parser2.parse(true));
              this.position += parser2.position - 2;
            }
          } else if (character.value === "}" && !quote) {
            this.dimension--;
            if (!this.dimension) {
              this.newEntry();
              if (nested) return this.entries;
            }
          } else if (character.value === '"' && !character.escaped) {
            if (quote) this.newEntry(true);
            quote = !quote;
          } else if (character.value === "," && !quote) {
            this.newEntry();
          } else {
            this.record(character.value);
          }
        }
        if (this.dimension !== 0) {
          throw new Error("array dimension not balanced");
        }
        return this.entries;
      }
    };
    function identity2(value) {
      return value;
    }
  }
});

// node_modules/pg-types/lib/arrayParser.js
var require_arrayParser = __commonJS({
  "node_modules/pg-types/lib/arrayParser.js"(exports, module) {
    var array = require_postgres_array();
    module.exports = {
      create: function(source, transform) {
        return {
          parse: function() {
            return array.parse(source, transform);
          }
        };
      }
    };
  }
});

// node_modules/postgres-date/index.js
var require_postgres_date = __commonJS({
  "node_modules/postgres-date/index.js"(exports, module) {
    "use strict";
    var DATE_TIME = /(\d{1,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,})?.*?( BC)?$/;
    var DATE = /^(\d{1,})-(\d{2})-(\d{2})( BC)?$/;
    var TIME_ZONE = /([Z+-])(\d{2})?:?(\d{2})?:?(\d{2})?/;
    var INFINITY = /^-?infinity$/;
    module.exports = function parseDate2(isoDate) {
      if (INFINITY.test(isoDate)) {
        return Number(isoDate.replace("i", "I"));
      }
      var matches = DATE_TIME.exec(isoDate);
      if (!matches) {
        return getDate(isoDate) || null;
      }
      var isBC = !!matches[8];
      var year = parseInt(matches[1], 10);
      if (isBC) {
        year = bcYearToNegativeYear(year);
      }
      var month = parseInt(matches[2], 10) - 1;
      var day = matches[3];
      var hour = parseInt(matches[4], 10);
      var minute = parseInt(matches[5], 10);
      var second = parseInt(matches[6], 10);
      var ms = matches[7];
      ms = ms ? 1e3 * parseFloat(ms) : 0;
      var date;
      var offset = timeZoneOffset(isoDate);
      if (offset != null) {
        date = new Date(Date.UTC(year, month, day, hour, minute, second, ms));
        if (is0To99(year)) {
          date.setUTCFullYear(year);
        }
        if (offset !== 0) {
          date.setTime(date.getTime() - offset);
        }
      } else {
        date = new Date(year, month, day, hour, minute, second, ms);
        if (is0To99(year)) {
          date.setFullYear(year);
        }
      }
      return date;
    };
    function getDate(isoDate) {
      var matches = DATE.exec(isoDate);
      if (!matches) {
        return;
      }
      var year = parseInt(matches[1], 10);
      var isBC = !!matches[4];
      if (isBC) {
        year = bcYearToNegativeYear(year);
      }
      var month = parseInt(matches[2], 10) - 1;
      var day = matches[3];
      var date = new Date(year, month, day);
      if (is0To99(year)) {
        date.setFullYear(year);
      }
      return date;
    }
    function timeZoneOffset(isoDate) {
      if (isoDate.endsWith("+00")) {
        return 0;
      }
      var zone = TIME_ZONE.exec(isoDate.split(" ")[1]);
      if (!zone) return;
      var type = zone[1];
      if (type === "Z") {
        return 0;
      }
      var sign = type === "-" ? -1 : 1;
      var offset = parseInt(zone[2], 10) * 3600 + parseInt(zone[3] || 0, 10) * 60 + parseInt(zone[4] || 0, 10);
      return offset * sign * 1e3;
    }
    function bcYearToNegativeYear(year) {
      return -(year - 1);
    }
    function is0To99(num) {
      return num >= 0 && num < 100;
    }
  }
});

// node_modules/xtend/mutable.js
var require_mutable = __commonJS({
  "node_modules/xtend/mutable.js"(exports, module) {
    module.exports = extend;
    var hasOwnProperty = Object.prototype.hasOwnProperty;
    function extend(target) {
      for (var i = 1; i < arguments.length; i++) {
        var source = arguments[i];
        for (var key in source) {
          if (hasOwnProperty.call(source, key)) {
            target[key] = source[key];
          }
        }
      }
      return target;
    }
  }
});

// node_modules/postgres-interval/index.js
var require_postgres_interval = __commonJS({
  "node_modules/postgres-interval/index.js"(exports, module) {
    "use strict";
    var extend = require_mutable();
    module.exports = PostgresInterval;
    function PostgresInterval(raw) {
      if (!(this instanceof PostgresInterval)) {
        return new PostgresInterval(raw);
      }
      extend(this, parse2(raw));
    }
    var properties = ["seconds", "minutes", "hours", "days", "months", "years"];
    PostgresInterval.prototype.toPostgres = function() {
      var filtered = properties.filter(this.hasOwnProperty, this);
      if (this.milliseconds && filtered.indexOf("seconds") < 0) {
        filtered.push("seconds");
      }
      if (filtered.length === 0) return "0";
      return filtered.map(function(property2) {
        var value = this[property2] || 0;
        if (property2 === "seconds" && this.milliseconds) {
          value = (value + this.milliseconds / 1e3).toFixed(6).replace(/\.?0+$/, "");
        }
        return value + " " + property2;
      }, this).join(" ");
    };
    var propertiesISOEquivalent = {
      years: "Y",
      months: "M",
      days: "D",
      hours: "H",
      minutes: "M",
      seconds: "S"
    };
    var dateProperties = ["years", "months", "days"];
    var timeProperties = ["hours", "minutes", "seconds"];
    PostgresInterval.prototype.toISOString = PostgresInterval.prototype.toISO = function() {
      var datePart = dateProperties.map(buildProperty, this).join("");
      var timePart = timeProperties.map(buildProperty, this).join("");
      return "P" + datePart + "T" + timePart;
      function buildProperty(property2) {
        var value = this[property2] || 0;
        if (property2 === "seconds" && this.milliseconds) {
          value = (value + this.milliseconds / 1e3).toFixed(6).replace(/0+$/, "");
        }
        return value + propertiesISOEquivalent[property2];
      }
    };
    var NUMBER = "([+-]?\\d+)";
    var YEAR = NUMBER + "\\s+years?";
    var MONTH = NUMBER + "\\s+mons?";
    var DAY = NUMBER + "\\s+days?";
    var TIME = "([+-])?([\\d]*):(\\d\\d):(\\d\\d)\\.?(\\d{1,6})?";
    var INTERVAL = new RegExp([YEAR, MONTH, DAY, TIME].map(function(regexString) {
      return "(" + regexString + ")?";
    }).join("\\s*"));
    var positions = {
      years: 2,
      months: 4,
      days: 6,
      hours: 9,
      minutes: 10,
      seconds: 11,
      milliseconds: 12
    };
    var negatives = ["hours", "minutes", "seconds", "milliseconds"];
    function parseMilliseconds(fraction) {
      var microseconds = fraction + "000000".slice(fraction.length);
      return parseInt(microseconds, 10) / 1e3;
    }
    function parse2(interval) {
      if (!interval) return {};
      var matches = INTERVAL.exec(interval);
      var isNegative = matches[8] === "-";
      return Object.keys(positions).reduce(function(parsed, property2) {
        var position = positions[property2];
        var value = matches[position];
        if (!value) return parsed;
        value = property2 === "milliseconds" ? parseMilliseconds(value) : parseInt(value, 10);
        if (!value) return parsed;
        if (isNegative && ~negatives.indexOf(property2)) {
          value *= -1;
        }
        parsed[property2] = value;
        return parsed;
      }, {});
    }
  }
});

// node_modules/postgres-bytea/index.js
var require_postgres_bytea = __commonJS({
  "node_modules/postgres-bytea/index.js"(exports, module) {
    "use strict";
    var bufferFrom = Buffer.from || Buffer;
    module.exports = function parseBytea(input) {
      if (/^\\x/.test(input)) {
        return bufferFrom(input.substr(2), "hex");
      }
      var output = "";
      var i = 0;
      while (i < input.length) {
        if (input[i] !== "\\") {
          output += input[i];
          ++i;
        } else {
          if (/[0-7]{3}/.test(input.substr(i + 1, 3))) {
            output += String.fromCharCode(parseInt(input.substr(i + 1, 3), 8));
            i += 4;
          } else {
            var backslashes = 1;
            while (i + backslashes < input.length && input[i + backslashes] === "\\") {
              backslashes++;
            }
            for (var k = 0; k < Math.floor(backslashes / 2); ++k) {
              output += "\\";
            }
            i += Math.floor(backslashes / 2) * 2;
          }
        }
      }
      return bufferFrom(output, "binary");
    };
  }
});

// node_modules/pg-types/lib/textParsers.js
var require_textParsers = __commonJS({
  "node_modules/pg-types/lib/textParsers.js"(exports, module) {
    var array = require_postgres_array();
    var arrayParser = require_arrayParser();
    var parseDate2 = require_postgres_date();
    var parseInterval = require_postgres_interval();
    var parseByteA = require_postgres_bytea();
    function allowNull(fn) {
      return function nullAllowed(value) {
        if (value === null) return value;
        return fn(value);
      };
    }
    function parseBool(value) {
      if (value === null) return value;
      return value === "TRUE" || value === "t" || value === "true" || value === "y" || value === "yes" || value === "on" || value === "1";
    }
    function parseBoolArray(value) {
      if (!value) return null;
      return array.parse(value, parseBool);
    }
    function parseBaseTenInt(string) {
      return parseInt(string, 10);
    }
    function parseIntegerArray(value) {
      if (!value) return null;
      return array.parse(value, allowNull(parseBaseTenInt));
    }
    function parseBigIntegerArray(value) {
      if (!value) return null;
      return array.parse(value, allowNull(function(entry) {
        return parseBigInteger(entry).trim();
      }));
    }
    var parsePointArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parsePoint(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseFloatArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parseFloat(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseStringArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value);
      return p.parse();
    };
    var parseDateArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parseDate2(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseIntervalArray = function(value) {
      if (!value) {
        return null;
      }
      var p = arrayParser.create(value, function(entry) {
        if (entry !== null) {
          entry = parseInterval(entry);
        }
        return entry;
      });
      return p.parse();
    };
    var parseByteAArray = function(value) {
      if (!value) {
        return null;
      }
      return array.parse(value, allowNull(parseByteA));
    };
    var parseInteger2 = function(value) {
      return parseInt(value, 10);
    };
    var parseBigInteger = function(value) {
      var valStr = String(value);
      if (/^\d+$/.test(valStr)) {
        return valStr;
      }
      return value;
    };
    var parseJsonArray = function(value) {
      if (!value) {
        return null;
      }
      return array.parse(value, allowNull(JSON.parse));
    };
    var parsePoint = function(value) {
      if (value[0] !== "(") {
        return null;
      }
      value = value.substring(1, value.length - 1).split(",");
      return {
        x: parseFloat(value[0]),
        y: parseFloat(value[1])
      };
    };
    var parseCircle = function(value) {
      if (value[0] !== "<" && value[1] !== "(") {
        return null;
      }
      var point2 = "(";
      var radius = "";
      var pointParsed = false;
      for (var i = 2; i < value.length - 1; i++) {
        if (!pointParsed) {
          point2 += value[i];
        }
        if (value[i] === ")") {
          pointParsed = true;
          continue;
        } else if (!pointParsed) {
          continue;
        }
        if (value[i] === ",") {
          continue;
        }
        radius += value[i];
      }
      var result2 = parsePoint(point2);
      result2.radius = parseFloat(radius);
      return result2;
    };
    var init = function(register) {
      register(20, parseBigInteger);
      register(21, parseInteger2);
      register(23, parseInteger2);
      register(26, parseInteger2);
      register(700, parseFloat);
      register(701, parseFloat);
      register(16, parseBool);
      register(1082, parseDate2);
      register(1114, parseDate2);
      register(1184, parseDate2);
      register(600, parsePoint);
      register(651, parseStringArray);
      register(718, parseCircle);
      register(1e3, parseBoolArray);
      register(1001, parseByteAArray);
      register(1005, parseIntegerArray);
      register(1007, parseIntegerArray);
      register(1028, parseIntegerArray);
      register(1016, parseBigIntegerArray);
      register(1017, parsePointArray);
      register(1021, parseFloatArray);
      register(1022, parseFloatArray);
      register(1231, parseFloatArray);
      register(1014, parseStringArray);
      register(1015, parseStringArray);
      register(1008, parseStringArray);
      register(1009, parseStringArray);
      register(1040, parseStringArray);
      register(1041, parseStringArray);
      register(1115, parseDateArray);
      register(1182, parseDateArray);
      register(1185, parseDateArray);
      register(1186, parseInterval);
      register(1187, parseIntervalArray);
      register(17, parseByteA);
      register(114, JSON.parse.bind(JSON));
      register(3802, JSON.parse.bind(JSON));
      register(199, parseJsonArray);
      register(3807, parseJsonArray);
      register(3907, parseStringArray);
      register(2951, parseStringArray);
      register(791, parseStringArray);
      register(1183, parseStringArray);
      register(1270, parseStringArray);
    };
    module.exports = {
      init
    };
  }
});

// node_modules/pg-int8/index.js
var require_pg_int8 = __commonJS({
  "node_modules/pg-int8/index.js"(exports, module) {
    "use strict";
    var BASE = 1e6;
    function readInt8(buffer) {
      var high = buffer.readInt32BE(0);
      var low = buffer.readUInt32BE(4);
      var sign = "";
      if (high < 0) {
        high = ~high + (low === 0);
        low = ~low + 1 >>> 0;
        sign = "-";
      }
      var result2 = "";
      var carry;
      var t;
      var digits;
      var pad;
      var l;
      var i;
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result2;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result2 = pad + digits + result2;
      }
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result2;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result2 = pad + digits + result2;
      }
      {
        carry = high % BASE;
        high = high / BASE >>> 0;
        t = 4294967296 * carry + low;
        low = t / BASE >>> 0;
        digits = "" + (t - BASE * low);
        if (low === 0 && high === 0) {
          return sign + digits + result2;
        }
        pad = "";
        l = 6 - digits.length;
        for (i = 0; i < l; i++) {
          pad += "0";
        }
        result2 = pad + digits + result2;
      }
      {
        carry = high % BASE;
        t = 4294967296 * carry + low;
        digits = "" + t % BASE;
        return sign + digits + result2;
      }
    }
    module.exports = readInt8;
  }
});

// node_modules/pg-types/lib/binaryParsers.js
var require_binaryParsers = __commonJS({
  "node_modules/pg-types/lib/binaryParsers.js"(exports, module) {
    var parseInt64 = require_pg_int8();
    var parseBits = function(data2, bits, offset, invert, callback) {
      offset = offset || 0;
      invert = invert || false;
      callback = callback || function(lastValue, newValue, bits2) {
        return lastValue * Math.pow(2, bits2) + newValue;
      };
      var offsetBytes = offset >> 3;
      var inv = function(value) {
        if (invert) {
          return ~value & 255;
        }
        return value;
      };
      var mask = 255;
      var firstBits = 8 - offset % 8;
      if (bits < firstBits) {
        mask = 255 << 8 - bits & 255;
        firstBits = bits;
      }
      if (offset) {
        mask = mask >> offset % 8;
      }
      var result2 = 0;
      if (offset % 8 + bits >= 8) {
        result2 = callback(0, inv(data2[offsetBytes]) & mask, firstBits);
      }
      var bytes = bits + offset >> 3;
      for (var i = offsetBytes + 1; i < bytes; i++) {
        result2 = callback(result2, inv(data2[i]), 8);
      }
      var lastBits = (bits + offset) % 8;
      if (lastBits > 0) {
        result2 = callback(result2, inv(data2[bytes]) >> 8 - lastBits, lastBits);
      }
      return result2;
    };
    var parseFloatFromBits = function(data2, precisionBits, exponentBits) {
      var bias = Math.pow(2, exponentBits - 1) - 1;
      var sign = parseBits(data2, 1);
      var exponent = parseBits(data2, exponentBits, 1);
      if (exponent === 0) {
        return 0;
      }
      var precisionBitsCounter = 1;
      var parsePrecisionBits = function(lastValue, newValue, bits) {
        if (lastValue === 0) {
          lastValue = 1;
        }
        for (var i = 1; i <= bits; i++) {
          precisionBitsCounter /= 2;
          if ((newValue & 1 << bits - i) > 0) {
            lastValue += precisionBitsCounter;
          }
        }
        return lastValue;
      };
      var mantissa = parseBits(data2, precisionBits, exponentBits + 1, false, parsePrecisionBits);
      if (exponent == Math.pow(2, exponentBits + 1) - 1) {
        if (mantissa === 0) {
          return sign === 0 ? Infinity : -Infinity;
        }
        return NaN;
      }
      return (sign === 0 ? 1 : -1) * Math.pow(2, exponent - bias) * mantissa;
    };
    var parseInt16 = function(value) {
      if (parseBits(value, 1) == 1) {
        return -1 * (parseBits(value, 15, 1, true) + 1);
      }
      return parseBits(value, 15, 1);
    };
    var parseInt32 = function(value) {
      if (parseBits(value, 1) == 1) {
        return -1 * (parseBits(value, 31, 1, true) + 1);
      }
      return parseBits(value, 31, 1);
    };
    var parseFloat32 = function(value) {
      return parseFloatFromBits(value, 23, 8);
    };
    var parseFloat64 = function(value) {
      return parseFloatFromBits(value, 52, 11);
    };
    var parseNumeric = function(value) {
      var sign = parseBits(value, 16, 32);
      if (sign == 49152) {
        return NaN;
      }
      var weight = Math.pow(1e4, parseBits(value, 16, 16));
      var result2 = 0;
      var digits = [];
      var ndigits = parseBits(value, 16);
      for (var i = 0; i < ndigits; i++) {
        result2 += parseBits(value, 16, 64 + 16 * i) * weight;
        weight /= 1e4;
      }
      var scale = Math.pow(10, parseBits(value, 16, 48));
      return (sign === 0 ? 1 : -1) * Math.round(result2 * scale) / scale;
    };
    var parseDate2 = function(isUTC, value) {
      var sign = parseBits(value, 1);
      var rawValue = parseBits(value, 63, 1);
      var result2 = new Date((sign === 0 ? 1 : -1) * rawValue / 1e3 + 9466848e5);
      if (!isUTC) {
        result2.setTime(result2.getTime() + result2.getTimezoneOffset() * 6e4);
      }
      result2.usec = rawValue % 1e3;
      result2.getMicroSeconds = function() {
        return this.usec;
      };
      result2.setMicroSeconds = function(value2) {
        this.usec = value2;
      };
      result2.getUTCMicroSeconds = function() {
        return this.usec;
      };
      return result2;
    };
    var parseArray2 = function(value) {
      var dim = parseBits(value, 32);
      var flags = parseBits(value, 32, 32);
      var elementType = parseBits(value, 32, 64);
      var offset = 96;
      var dims = [];
      for (var i = 0; i < dim; i++) {
        dims[i] = parseBits(value, 32, offset);
        offset += 32;
        offset += 32;
      }
      var parseElement = function(elementType2) {
        var length = parseBits(value, 32, offset);
        offset += 32;
        if (length == 4294967295) {
          return null;
        }
        var result2;
        if (elementType2 == 23 || elementType2 == 20) {
          result2 = parseBits(value, length * 8, offset);
          offset += length * 8;
          return result2;
        } else if (elementType2 == 25) {
          result2 = value.toString(this.encoding, offset >> 3, (offset += length << 3) >> 3);
          return result2;
        } else {
          console.log("ERROR: ElementType not implemented: " + elementType2);
        }
      };
      var parse2 = function(dimension, elementType2) {
        var array = [];
        var i2;
        if (dimension.length > 1) {
          var count2 = dimension.shift();
          for (i2 = 0; i2 < count2; i2++) {
            array[i2] = parse2(dimension, elementType2);
          }
          dimension.unshift(count2);
        } else {
          for (i2 = 0; i2 < dimension[0]; i2++) {
            array[i2] = parseElement(elementType2);
          }
        }
        return array;
      };
      return parse2(dims, elementType);
    };
    var parseText = function(value) {
      return value.toString("utf8");
    };
    var parseBool = function(value) {
      if (value === null) return null;
      return parseBits(value, 8) > 0;
    };
    var init = function(register) {
      register(20, parseInt64);
      register(21, parseInt16);
      register(23, parseInt32);
      register(26, parseInt32);
      register(1700, parseNumeric);
      register(700, parseFloat32);
      register(701, parseFloat64);
      register(16, parseBool);
      register(1114, parseDate2.bind(null, false));
      register(1184, parseDate2.bind(null, true));
      register(1e3, parseArray2);
      register(1007, parseArray2);
      register(1016, parseArray2);
      register(1008, parseArray2);
      register(1009, parseArray2);
      register(25, parseText);
    };
    module.exports = {
      init
    };
  }
});

// node_modules/pg-types/lib/builtins.js
var require_builtins = __commonJS({
  "node_modules/pg-types/lib/builtins.js"(exports, module) {
    module.exports = {
      BOOL: 16,
      BYTEA: 17,
      CHAR: 18,
      INT8: 20,
      INT2: 21,
      INT4: 23,
      REGPROC: 24,
      TEXT: 25,
      OID: 26,
      TID: 27,
      XID: 28,
      CID: 29,
      JSON: 114,
      XML: 142,
      PG_NODE_TREE: 194,
      SMGR: 210,
      PATH: 602,
      POLYGON: 604,
      CIDR: 650,
      FLOAT4: 700,
      FLOAT8: 701,
      ABSTIME: 702,
      RELTIME: 703,
      TINTERVAL: 704,
      CIRCLE: 718,
      MACADDR8: 774,
      MONEY: 790,
      MACADDR: 829,
      INET: 869,
      ACLITEM: 1033,
      BPCHAR: 1042,
      VARCHAR: 1043,
      DATE: 1082,
      TIME: 1083,
      TIMESTAMP: 1114,
      TIMESTAMPTZ: 1184,
      INTERVAL: 1186,
      TIMETZ: 1266,
      BIT: 1560,
      VARBIT: 1562,
      NUMERIC: 1700,
      REFCURSOR: 1790,
      REGPROCEDURE: 2202,
      REGOPER: 2203,
      REGOPERATOR: 2204,
      REGCLASS: 2205,
      REGTYPE: 2206,
      UUID: 2950,
      TXID_SNAPSHOT: 2970,
      PG_LSN: 3220,
      PG_NDISTINCT: 3361,
      PG_DEPENDENCIES: 3402,
      TSVECTOR: 3614,
      TSQUERY: 3615,
      GTSVECTOR: 3642,
      REGCONFIG: 3734,
      REGDICTIONARY: 3769,
      JSONB: 3802,
      REGNAMESPACE: 4089,
      REGROLE: 4096
    };
  }
});

// node_modules/pg-types/index.js
var require_pg_types = __commonJS({
  "node_modules/pg-types/index.js"(exports) {
    var textParsers = require_textParsers();
    var binaryParsers = require_binaryParsers();
    var arrayParser = require_arrayParser();
    var builtinTypes = require_builtins();
    exports.getTypeParser = getTypeParser;
    exports.setTypeParser = setTypeParser;
    exports.arrayParser = arrayParser;
    exports.builtins = builtinTypes;
    var typeParsers = {
      text: {},
      binary: {}
    };
    function noParse(val) {
      return String(val);
    }
    function getTypeParser(oid, format) {
      format = format || "text";
      if (!typeParsers[format]) {
        return noParse;
      }
      return typeParsers[format][oid] || noParse;
    }
    function setTypeParser(oid, format, parseFn) {
      if (typeof format == "function") {
        parseFn = format;
        format = "text";
      }
      typeParsers[format][oid] = parseFn;
    }
    textParsers.init(function(oid, converter) {
      typeParsers.text[oid] = converter;
    });
    binaryParsers.init(function(oid, converter) {
      typeParsers.binary[oid] = converter;
    });
  }
});

// node_modules/pg/lib/defaults.js
var require_defaults = __commonJS({
  "node_modules/pg/lib/defaults.js"(exports, module) {
    "use strict";
    var user;
    try {
      user = process.platform === "win32" ? process.env.USERNAME : process.env.USER;
    } catch {
    }
    module.exports = {
      // database host. defaults to localhost
      host: "localhost",
      // database user's name
      user,
      // name of database to connect
      database: void 0,
      // database user's password
      password: null,
      // a Postgres connection string to be used instead of setting individual connection items
      // NOTE:  Setting this value will cause it to override any other value (such as database or user) defined
      // in the defaults object.
      connectionString: void 0,
      // database port
      port: 5432,
      // number of rows to return at a time from a prepared statement's
      // portal. 0 will return all rows at once
      rows: 0,
      // binary result mode
      binary: false,
      // Connection pool options - see https://github.com/brianc/node-pg-pool
      // number of connections to use in connection pool
      // 0 will disable connection pooling
      max: 10,
      // max milliseconds a client can go unused before it is removed
      // from the pool and destroyed
      idleTimeoutMillis: 3e4,
      client_encoding: "",
      ssl: false,
      // SSL negotiation style: 'postgres' (traditional SSLRequest) or 'direct'
      sslnegotiation: void 0,
      application_name: void 0,
      fallback_application_name: void 0,
      options: void 0,
      parseInputDatesAsUTC: false,
      // max milliseconds any query using this connection will execute for before timing out in error.
      // false=unlimited
      statement_timeout: false,
      // Abort any statement that waits longer than the specified duration in milliseconds while attempting to acquire a lock.
      // false=unlimited
      lock_timeout: false,
      // Terminate any session with an open transaction that has been idle for longer than the specified duration in milliseconds
      // false=unlimited
      idle_in_transaction_session_timeout: false,
      // max milliseconds to wait for query to complete (client side)
      query_timeout: false,
      connect_timeout: 0,
      keepalives: 1,
      keepalives_idle: 0
    };
    var pgTypes = require_pg_types();
    var parseBigInteger = pgTypes.getTypeParser(20, "text");
    var parseBigIntegerArray = pgTypes.getTypeParser(1016, "text");
    module.exports.__defineSetter__("parseInt8", function(val) {
      pgTypes.setTypeParser(20, "text", val ? pgTypes.getTypeParser(23, "text") : parseBigInteger);
      pgTypes.setTypeParser(1016, "text", val ? pgTypes.getTypeParser(1007, "text") : parseBigIntegerArray);
    });
  }
});

// node_modules/pg/lib/utils.js
var require_utils = __commonJS({
  "node_modules/pg/lib/utils.js"(exports, module) {
    "use strict";
    var defaults2 = require_defaults();
    var nodeUtils = __require("util");
    var { isDate } = __require("util/types");
    var invalidDateDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Sending an invalid date to Postgres is deprecated and will throw an error in the next major version of pg. Ensure any Date object passed as a query parameter is valid.",
      "PG_INVALID_DATE"
    );
    function escapeElement(elementRepresentation) {
      const escaped = elementRepresentation.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
      return '"' + escaped + '"';
    }
    function arrayString(val) {
      let result2 = "{";
      for (let i = 0; i < val.length; i++) {
        if (i > 0) {
          result2 += ",";
        }
        let item = val[i];
        if (item == null) {
          result2 += "NULL";
        } else if (Array.isArray(item)) {
          result2 += arrayString(item);
        } else if (ArrayBuffer.isView(item)) {
          if (!(item instanceof Buffer)) {
            item = Buffer.from(item.buffer, item.byteOffset, item.byteLength);
          }
          result2 += "\\\\x" + item.toString("hex");
        } else {
          result2 += escapeElement(prepareValue(item));
        }
      }
      result2 += "}";
      return result2;
    }
    var prepareValue = function(val, seen) {
      if (val == null) {
        return null;
      }
      if (typeof val === "object") {
        if (val instanceof Buffer) {
          return val;
        }
        if (ArrayBuffer.isView(val)) {
          return Buffer.from(val.buffer, val.byteOffset, val.byteLength);
        }
        if (isDate(val)) {
          if (isNaN(val.getTime())) {
            invalidDateDeprecationNotice();
          }
          if (defaults2.parseInputDatesAsUTC) {
            return dateToStringUTC(val);
          } else {
            return dateToString(val);
          }
        }
        if (Array.isArray(val)) {
          return arrayString(val);
        }
        return prepareObject(val, seen);
      }
      return val.toString();
    };
    function prepareObject(val, seen) {
      if (val && typeof val.toPostgres === "function") {
        seen = seen || [];
        if (seen.indexOf(val) !== -1) {
          throw new Error('circular reference detected while preparing "' + val + '" for query');
        }
        seen.push(val);
        return prepareValue(val.toPostgres(prepareValue), seen);
      }
      return JSON.stringify(val);
    }
    function dateToString(date) {
      let offset = -date.getTimezoneOffset();
      let year = date.getFullYear();
      const isBCYear = year < 1;
      if (isBCYear) year = Math.abs(year) + 1;
      let ret = String(year).padStart(4, "0") + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" + String(date.getDate()).padStart(2, "0") + "T" + String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0") + ":" + String(date.getSeconds()).padStart(2, "0") + "." + String(date.getMilliseconds()).padStart(3, "0");
      if (offset < 0) {
        ret += "-";
        offset *= -1;
      } else {
        ret += "+";
      }
      ret += String(Math.floor(offset / 60)).padStart(2, "0") + ":" + String(offset % 60).padStart(2, "0");
      if (isBCYear) ret += " BC";
      return ret;
    }
    function dateToStringUTC(date) {
      let year = date.getUTCFullYear();
      const isBCYear = year < 1;
      if (isBCYear) year = Math.abs(year) + 1;
      let ret = String(year).padStart(4, "0") + "-" + String(date.getUTCMonth() + 1).padStart(2, "0") + "-" + String(date.getUTCDate()).padStart(2, "0") + "T" + String(date.getUTCHours()).padStart(2, "0") + ":" + String(date.getUTCMinutes()).padStart(2, "0") + ":" + String(date.getUTCSeconds()).padStart(2, "0") + "." + String(date.getUTCMilliseconds()).padStart(3, "0");
      ret += "+00:00";
      if (isBCYear) ret += " BC";
      return ret;
    }
    function normalizeQueryConfig(config, values, callback) {
      config = typeof config === "string" ? { text: config } : cloneQueryConfig(config);
      if (values) {
        if (typeof values === "function") {
          config.callback = values;
        } else {
          config.values = values;
        }
      }
      if (callback) {
        config.callback = callback;
      }
      return config;
    }
    function cloneQueryConfig(config) {
      if (config == null) {
        return config;
      }
      return Object.defineProperties(Object.create(Object.getPrototypeOf(config)), Object.getOwnPropertyDescriptors(config));
    }
    var escapeIdentifier2 = function(str) {
      return '"' + str.replace(/"/g, '""') + '"';
    };
    var escapeLiteral2 = function(str) {
      let hasBackslash = false;
      let escaped = "'";
      if (str == null) {
        return "''";
      }
      if (typeof str !== "string") {
        return "''";
      }
      for (let i = 0; i < str.length; i++) {
        const c = str[i];
        if (c === "'") {
          escaped += c + c;
        } else if (c === "\\") {
          escaped += c + c;
          hasBackslash = true;
        } else {
          escaped += c;
        }
      }
      escaped += "'";
      if (hasBackslash === true) {
        escaped = " E" + escaped;
      }
      return escaped;
    };
    module.exports = {
      prepareValue: function prepareValueWrapper(value) {
        return prepareValue(value);
      },
      normalizeQueryConfig,
      escapeIdentifier: escapeIdentifier2,
      escapeLiteral: escapeLiteral2
    };
  }
});

// node_modules/pg/lib/crypto/utils.js
var require_utils2 = __commonJS({
  "node_modules/pg/lib/crypto/utils.js"(exports, module) {
    var nodeCrypto = __require("crypto");
    module.exports = {
      postgresMd5PasswordHash,
      randomBytes,
      deriveKey,
      sha256,
      hashByName,
      hmacSha256,
      md5
    };
    var webCrypto = nodeCrypto.webcrypto || globalThis.crypto;
    var subtleCrypto = webCrypto.subtle;
    var textEncoder = new TextEncoder();
    function randomBytes(length) {
      return webCrypto.getRandomValues(Buffer.alloc(length));
    }
    async function md5(string) {
      try {
        return nodeCrypto.createHash("md5").update(string, "utf-8").digest("hex");
      } catch (e) {
        const data2 = typeof string === "string" ? textEncoder.encode(string) : string;
        const hash = await subtleCrypto.digest("MD5", data2);
        return Array.from(new Uint8Array(hash)).map((b) => b.toString(16).padStart(2, "0")).join("");
      }
    }
    async function postgresMd5PasswordHash(user, password, salt) {
      const inner = await md5(password + user);
      const outer = await md5(Buffer.concat([Buffer.from(inner), salt]));
      return "md5" + outer;
    }
    async function sha256(text2) {
      return await subtleCrypto.digest("SHA-256", text2);
    }
    async function hashByName(hashName, text2) {
      return await subtleCrypto.digest(hashName, text2);
    }
    async function hmacSha256(keyBuffer, msg) {
      const key = await subtleCrypto.importKey("raw", keyBuffer, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return await subtleCrypto.sign("HMAC", key, textEncoder.encode(msg));
    }
    async function deriveKey(password, salt, iterations) {
      const key = await subtleCrypto.importKey("raw", textEncoder.encode(password), "PBKDF2", false, ["deriveBits"]);
      const params = { name: "PBKDF2", hash: "SHA-256", salt, iterations };
      return await subtleCrypto.deriveBits(params, key, 32 * 8, ["deriveBits"]);
    }
  }
});

// node_modules/pg/lib/crypto/cert-signatures.js
var require_cert_signatures = __commonJS({
  "node_modules/pg/lib/crypto/cert-signatures.js"(exports, module) {
    function x509Error(msg, cert) {
      return new Error("SASL channel binding: " + msg + " when parsing public certificate " + cert.toString("base64"));
    }
    function readASN1Length(data2, index) {
      let length = data2[index++];
      if (length < 128) return { length, index };
      const lengthBytes = length & 127;
      if (lengthBytes > 4) throw x509Error("bad length", data2);
      length = 0;
      for (let i = 0; i < lengthBytes; i++) {
        length = length << 8 | data2[index++];
      }
      return { length, index };
    }
    function readASN1OID(data2, index) {
      if (data2[index++] !== 6) throw x509Error("non-OID data", data2);
      const { length: OIDLength, index: indexAfterOIDLength } = readASN1Length(data2, index);
      index = indexAfterOIDLength;
      const lastIndex = index + OIDLength;
      const byte1 = data2[index++];
      let oid = (byte1 / 40 >> 0) + "." + byte1 % 40;
      while (index < lastIndex) {
        let value = 0;
        while (index < lastIndex) {
          const nextByte = data2[index++];
          value = value << 7 | nextByte & 127;
          if (nextByte < 128) break;
        }
        oid += "." + value;
      }
      return { oid, index };
    }
    function expectASN1Seq(data2, index) {
      if (data2[index++] !== 48) throw x509Error("non-sequence data", data2);
      return readASN1Length(data2, index);
    }
    function signatureAlgorithmHashFromCertificate(data2, index) {
      if (index === void 0) index = 0;
      index = expectASN1Seq(data2, index).index;
      const { length: certInfoLength, index: indexAfterCertInfoLength } = expectASN1Seq(data2, index);
      index = indexAfterCertInfoLength + certInfoLength;
      index = expectASN1Seq(data2, index).index;
      const { oid, index: indexAfterOID } = readASN1OID(data2, index);
      switch (oid) {
        // RSA
        case "1.2.840.113549.1.1.4":
          return "MD5";
        case "1.2.840.113549.1.1.5":
          return "SHA-1";
        case "1.2.840.113549.1.1.11":
          return "SHA-256";
        case "1.2.840.113549.1.1.12":
          return "SHA-384";
        case "1.2.840.113549.1.1.13":
          return "SHA-512";
        case "1.2.840.113549.1.1.14":
          return "SHA-224";
        case "1.2.840.113549.1.1.15":
          return "SHA512-224";
        case "1.2.840.113549.1.1.16":
          return "SHA512-256";
        // ECDSA
        case "1.2.840.10045.4.1":
          return "SHA-1";
        case "1.2.840.10045.4.3.1":
          return "SHA-224";
        case "1.2.840.10045.4.3.2":
          return "SHA-256";
        case "1.2.840.10045.4.3.3":
          return "SHA-384";
        case "1.2.840.10045.4.3.4":
          return "SHA-512";
        // RSASSA-PSS: hash is indicated separately
        case "1.2.840.113549.1.1.10": {
          index = indexAfterOID;
          index = expectASN1Seq(data2, index).index;
          if (data2[index++] !== 160) throw x509Error("non-tag data", data2);
          index = readASN1Length(data2, index).index;
          index = expectASN1Seq(data2, index).index;
          const { oid: hashOID } = readASN1OID(data2, index);
          switch (hashOID) {
            // standalone hash OIDs
            case "1.2.840.113549.2.5":
              return "MD5";
            case "1.3.14.3.2.26":
              return "SHA-1";
            case "2.16.840.1.101.3.4.2.1":
              return "SHA-256";
            case "2.16.840.1.101.3.4.2.2":
              return "SHA-384";
            case "2.16.840.1.101.3.4.2.3":
              return "SHA-512";
          }
          throw x509Error("unknown hash OID " + hashOID, data2);
        }
        // Ed25519 -- see https://github.com/openssl/openssl/issues/15477
        case "1.3.101.110":
        case "1.3.101.112":
          return "SHA-512";
        // Ed448 -- still not in pg 17.2 (if supported, digest would be SHAKE256 x 64 bytes)
        case "1.3.101.111":
        case "1.3.101.113":
          throw x509Error("Ed448 certificate channel binding is not currently supported by Postgres");
      }
      throw x509Error("unknown OID " + oid, data2);
    }
    module.exports = { signatureAlgorithmHashFromCertificate };
  }
});

// node_modules/pg/lib/crypto/sasl.js
var require_sasl = __commonJS({
  "node_modules/pg/lib/crypto/sasl.js"(exports, module) {
    "use strict";
    var crypto2 = require_utils2();
    var { signatureAlgorithmHashFromCertificate } = require_cert_signatures();
    function saslprep(password) {
      const nonAsciiSpace = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
      const mappedToNothing = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
      return password.replace(nonAsciiSpace, " ").replace(mappedToNothing, "").normalize("NFKC");
    }
    var DEFAULT_MAX_SCRAM_ITERATIONS = 1e5;
    function startSession(mechanisms, stream, scramMaxIterations = DEFAULT_MAX_SCRAM_ITERATIONS) {
      const candidates = ["SCRAM-SHA-256"];
      if (stream) candidates.unshift("SCRAM-SHA-256-PLUS");
      const mechanism = candidates.find((candidate) => mechanisms.includes(candidate));
      if (!mechanism) {
        throw new Error("SASL: Only mechanism(s) " + candidates.join(" and ") + " are supported");
      }
      if (mechanism === "SCRAM-SHA-256-PLUS" && typeof stream.getPeerCertificate !== "function") {
        throw new Error("SASL: Mechanism SCRAM-SHA-256-PLUS requires a certificate");
      }
      const clientNonce = crypto2.randomBytes(18).toString("base64");
      const gs2Header = mechanism === "SCRAM-SHA-256-PLUS" ? "p=tls-server-end-point" : stream ? "y" : "n";
      return {
        mechanism,
        clientNonce,
        response: gs2Header + ",,n=*,r=" + clientNonce,
        message: "SASLInitialResponse",
        scramMaxIterations
      };
    }
    async function continueSession(session, password, serverData, stream) {
      if (session.message !== "SASLInitialResponse") {
        throw new Error("SASL: Last message was not SASLInitialResponse");
      }
      if (typeof password !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string");
      }
      if (password === "") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string");
      }
      if (typeof serverData !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: serverData must be a string");
      }
      const sv = parseServerFirstMessage(serverData);
      if (!sv.nonce.startsWith(session.clientNonce)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce does not start with client nonce");
      } else if (sv.nonce.length === session.clientNonce.length) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce is too short");
      }
      const scramMaxIterations = typeof session.scramMaxIterations === "number" ? session.scramMaxIterations : DEFAULT_MAX_SCRAM_ITERATIONS;
      if (scramMaxIterations !== 0 && sv.iteration > scramMaxIterations) {
        throw new Error(
          "SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration count " + sv.iteration + " exceeds scramMaxIterations of " + scramMaxIterations
        );
      }
      const clientFirstMessageBare = "n=*,r=" + session.clientNonce;
      const serverFirstMessage = "r=" + sv.nonce + ",s=" + sv.salt + ",i=" + sv.iteration;
      let channelBinding = stream ? "eSws" : "biws";
      if (session.mechanism === "SCRAM-SHA-256-PLUS") {
        const peerCert = stream.getPeerCertificate().raw;
        let hashName = signatureAlgorithmHashFromCertificate(peerCert);
        if (hashName === "MD5" || hashName === "SHA-1") hashName = "SHA-256";
        const certHash = await crypto2.hashByName(hashName, peerCert);
        const bindingData = Buffer.concat([Buffer.from("p=tls-server-end-point,,"), Buffer.from(certHash)]);
        channelBinding = bindingData.toString("base64");
      }
      const clientFinalMessageWithoutProof = "c=" + channelBinding + ",r=" + sv.nonce;
      const authMessage = clientFirstMessageBare + "," + serverFirstMessage + "," + clientFinalMessageWithoutProof;
      const saltBytes = Buffer.from(sv.salt, "base64");
      const saltedPassword = await crypto2.deriveKey(saslprep(password), saltBytes, sv.iteration);
      const clientKey = await crypto2.hmacSha256(saltedPassword, "Client Key");
      const storedKey = await crypto2.sha256(clientKey);
      const clientSignature = await crypto2.hmacSha256(storedKey, authMessage);
      const clientProof = xorBuffers(Buffer.from(clientKey), Buffer.from(clientSignature)).toString("base64");
      const serverKey = await crypto2.hmacSha256(saltedPassword, "Server Key");
      const serverSignatureBytes = await crypto2.hmacSha256(serverKey, authMessage);
      session.message = "SASLResponse";
      session.serverSignature = Buffer.from(serverSignatureBytes).toString("base64");
      session.response = clientFinalMessageWithoutProof + ",p=" + clientProof;
    }
    function finalizeSession(session, serverData) {
      if (session.message !== "SASLResponse") {
        throw new Error("SASL: Last message was not SASLResponse");
      }
      if (typeof serverData !== "string") {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: serverData must be a string");
      }
      const { serverSignature } = parseServerFinalMessage(serverData);
      if (serverSignature !== session.serverSignature) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match");
      }
    }
    function isPrintableChars(text2) {
      if (typeof text2 !== "string") {
        throw new TypeError("SASL: text must be a string");
      }
      return text2.split("").map((_, i) => text2.charCodeAt(i)).every((c) => c >= 33 && c <= 43 || c >= 45 && c <= 126);
    }
    function isBase64(text2) {
      return /^(?:[a-zA-Z0-9+/]{4})*(?:[a-zA-Z0-9+/]{2}==|[a-zA-Z0-9+/]{3}=)?$/.test(text2);
    }
    function parseAttributePairs(text2) {
      if (typeof text2 !== "string") {
        throw new TypeError("SASL: attribute pairs text must be a string");
      }
      return new Map(
        text2.split(",").map((attrValue) => {
          if (!/^.=/.test(attrValue)) {
            throw new Error("SASL: Invalid attribute pair entry");
          }
          const name = attrValue[0];
          const value = attrValue.substring(2);
          return [name, value];
        })
      );
    }
    function parseServerFirstMessage(data2) {
      const attrPairs = parseAttributePairs(data2);
      const nonce = attrPairs.get("r");
      if (!nonce) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce missing");
      } else if (!isPrintableChars(nonce)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce must only contain printable characters");
      }
      const salt = attrPairs.get("s");
      if (!salt) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: salt missing");
      } else if (!isBase64(salt)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: salt must be base64");
      }
      const iterationText = attrPairs.get("i");
      if (!iterationText) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration missing");
      } else if (!/^[1-9][0-9]*$/.test(iterationText)) {
        throw new Error("SASL: SCRAM-SERVER-FIRST-MESSAGE: invalid iteration count");
      }
      const iteration = parseInt(iterationText, 10);
      return {
        nonce,
        salt,
        iteration
      };
    }
    function parseServerFinalMessage(serverData) {
      const attrPairs = parseAttributePairs(serverData);
      const error = attrPairs.get("e");
      const serverSignature = attrPairs.get("v");
      if (error) {
        throw new Error(`SASL: SCRAM-SERVER-FINAL-MESSAGE: server returned error: "${error}"`);
      }
      if (!serverSignature) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing");
      } else if (!isBase64(serverSignature)) {
        throw new Error("SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature must be base64");
      }
      return {
        serverSignature
      };
    }
    function xorBuffers(a, b) {
      if (!Buffer.isBuffer(a)) {
        throw new TypeError("first argument must be a Buffer");
      }
      if (!Buffer.isBuffer(b)) {
        throw new TypeError("second argument must be a Buffer");
      }
      if (a.length !== b.length) {
        throw new Error("Buffer lengths must match");
      }
      if (a.length === 0) {
        throw new Error("Buffers cannot be empty");
      }
      return Buffer.from(a.map((_, i) => a[i] ^ b[i]));
    }
    module.exports = {
      startSession,
      continueSession,
      finalizeSession,
      DEFAULT_MAX_SCRAM_ITERATIONS
    };
  }
});

// node_modules/pg/lib/type-overrides.js
var require_type_overrides = __commonJS({
  "node_modules/pg/lib/type-overrides.js"(exports, module) {
    "use strict";
    var types2 = require_pg_types();
    function TypeOverrides2(userTypes) {
      this._types = userTypes || types2;
      this.text = {};
      this.binary = {};
    }
    TypeOverrides2.prototype.getOverrides = function(format) {
      switch (format) {
        case "text":
          return this.text;
        case "binary":
          return this.binary;
        default:
          return {};
      }
    };
    TypeOverrides2.prototype.setTypeParser = function(oid, format, parseFn) {
      if (typeof format === "function") {
        parseFn = format;
        format = "text";
      }
      this.getOverrides(format)[oid] = parseFn;
    };
    TypeOverrides2.prototype.getTypeParser = function(oid, format) {
      format = format || "text";
      return this.getOverrides(format)[oid] || this._types.getTypeParser(oid, format);
    };
    module.exports = TypeOverrides2;
  }
});

// node_modules/pg-connection-string/index.js
var require_pg_connection_string = __commonJS({
  "node_modules/pg-connection-string/index.js"(exports, module) {
    "use strict";
    function parse2(str, options = {}) {
      if (str.charAt(0) === "/") {
        const config2 = str.split(" ");
        return { host: config2[0], database: config2[1] };
      }
      const config = /* @__PURE__ */ Object.create(null);
      let result2;
      let dummyHost = false;
      if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(str)) {
        str = encodeURI(str).replace(/%25(\d\d)/g, "%$1");
      }
      try {
        try {
          result2 = new URL(str, "postgres://base");
        } catch (e) {
          result2 = new URL(str.replace("@/", "@___DUMMY___/"), "postgres://base");
          dummyHost = true;
        }
      } catch (err) {
        err.input && (err.input = "*****REDACTED*****");
        throw err;
      }
      for (const entry of result2.searchParams.entries()) {
        config[entry[0]] = entry[1];
      }
      config.user = config.user || decodeURIComponent(result2.username);
      config.password = config.password || decodeURIComponent(result2.password);
      if (result2.protocol == "socket:") {
        config.host = decodeURI(result2.pathname);
        config.database = result2.searchParams.get("db");
        config.client_encoding = result2.searchParams.get("encoding");
        return config;
      }
      const hostname = (dummyHost ? "" : result2.hostname).replace(/^\[(.+)\]$/, "$1");
      if (!config.host) {
        config.host = decodeURIComponent(hostname);
      } else if (hostname && /^%2f/i.test(hostname)) {
        result2.pathname = hostname + result2.pathname;
      }
      if (!config.port) {
        config.port = result2.port;
      }
      const pathname = result2.pathname.slice(1) || null;
      config.database = pathname ? decodeURI(pathname) : null;
      if (config.ssl === "true" || config.ssl === "1") {
        config.ssl = true;
      }
      if (config.ssl === "0") {
        config.ssl = false;
      }
      if (config.sslcert || config.sslkey || config.sslrootcert || config.sslmode) {
        config.ssl = {};
      }
      if (config.sslnegotiation === "direct" && config.ssl === void 0) {
        config.ssl = true;
      }
      const fs = config.sslcert || config.sslkey || config.sslrootcert ? __require("fs") : null;
      if (config.sslcert) {
        config.ssl.cert = fs.readFileSync(config.sslcert).toString();
      }
      if (config.sslkey) {
        config.ssl.key = fs.readFileSync(config.sslkey).toString();
      }
      if (config.sslrootcert) {
        config.ssl.ca = fs.readFileSync(config.sslrootcert).toString();
      }
      if (options.useLibpqCompat && config.uselibpqcompat) {
        throw new Error("Both useLibpqCompat and uselibpqcompat are set. Please use only one of them.");
      }
      if (config.uselibpqcompat === "true" || options.useLibpqCompat) {
        switch (config.sslmode) {
          case "disable": {
            config.ssl = false;
            break;
          }
          case "prefer": {
            config.ssl.rejectUnauthorized = false;
            break;
          }
          case "require": {
            if (config.sslrootcert) {
              config.ssl.checkServerIdentity = function() {
              };
            } else {
              config.ssl.rejectUnauthorized = false;
            }
            break;
          }
          case "verify-ca": {
            if (!config.ssl.ca) {
              throw new Error(
                "SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. If a public CA is used, verify-ca allows connections to a server that somebody else may have registered with the CA, making you vulnerable to Man-in-the-Middle attacks. Either specify a custom CA certificate with sslrootcert parameter or use sslmode=verify-full for proper security."
              );
            }
            config.ssl.checkServerIdentity = function() {
            };
            break;
          }
          case "verify-full": {
            break;
          }
        }
      } else {
        switch (config.sslmode) {
          case "disable": {
            config.ssl = false;
            break;
          }
          case "prefer":
          case "require":
          case "verify-ca":
          case "verify-full": {
            if (config.sslmode !== "verify-full") {
              deprecatedSslModeWarning(config.sslmode);
            }
            break;
          }
          case "no-verify": {
            config.ssl.rejectUnauthorized = false;
            break;
          }
        }
      }
      return config;
    }
    function toConnectionOptions(sslConfig) {
      const connectionOptions = Object.entries(sslConfig).reduce((c, [key, value]) => {
        if (value !== void 0 && value !== null) {
          c[key] = value;
        }
        return c;
      }, /* @__PURE__ */ Object.create(null));
      return connectionOptions;
    }
    function toClientConfig(config) {
      const poolConfig = Object.entries(config).reduce((c, [key, value]) => {
        if (key === "ssl") {
          const sslConfig = value;
          if (typeof sslConfig === "boolean") {
            c[key] = sslConfig;
          }
          if (typeof sslConfig === "object") {
            c[key] = toConnectionOptions(sslConfig);
          }
        } else if (value !== void 0 && value !== null) {
          if (key === "port") {
            if (value !== "") {
              const v = parseInt(value, 10);
              if (isNaN(v)) {
                throw new Error(`Invalid ${key}: ${value}`);
              }
              c[key] = v;
            }
          } else {
            c[key] = value;
          }
        }
        return c;
      }, /* @__PURE__ */ Object.create(null));
      return poolConfig;
    }
    function parseIntoClientConfig(str) {
      return toClientConfig(parse2(str));
    }
    function deprecatedSslModeWarning(sslmode) {
      if (!deprecatedSslModeWarning.warned && typeof process !== "undefined" && process.emitWarning) {
        deprecatedSslModeWarning.warned = true;
        process.emitWarning(`SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.
In the next major version (pg-connection-string v3.0.0 and pg v9.0.0), these modes will adopt standard libpq semantics, which have weaker security guarantees.

To prepare for this change:
- If you want the current behavior, explicitly use 'sslmode=verify-full'
- If you want libpq compatibility now, use 'uselibpqcompat=true&sslmode=${sslmode}'

See https://www.postgresql.org/docs/current/libpq-ssl.html for libpq SSL mode definitions.`);
      }
    }
    module.exports = parse2;
    parse2.parse = parse2;
    parse2.toClientConfig = toClientConfig;
    parse2.parseIntoClientConfig = parseIntoClientConfig;
  }
});

// node_modules/pg/lib/connection-parameters.js
var require_connection_parameters = __commonJS({
  "node_modules/pg/lib/connection-parameters.js"(exports, module) {
    "use strict";
    var dns = __require("dns");
    var defaults2 = require_defaults();
    var parse2 = require_pg_connection_string().parse;
    var val = function(key, config, envVar) {
      if (config[key]) {
        return config[key];
      }
      if (envVar === void 0) {
        envVar = process.env["PG" + key.toUpperCase()];
      } else if (envVar === false) {
      } else {
        envVar = process.env[envVar];
      }
      return envVar || defaults2[key];
    };
    var readSSLConfigFromEnvironment = function() {
      switch (process.env.PGSSLMODE) {
        case "disable":
          return false;
        case "prefer":
        case "require":
        case "verify-ca":
        case "verify-full":
          return true;
        case "no-verify":
          return { rejectUnauthorized: false };
      }
      return defaults2.ssl;
    };
    var quoteParamValue = function(value) {
      return "'" + ("" + value).replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
    };
    var add = function(params, config, paramName) {
      const value = config[paramName];
      if (value !== void 0 && value !== null) {
        params.push(paramName + "=" + quoteParamValue(value));
      }
    };
    var ConnectionParameters = class {
      constructor(config) {
        config = typeof config === "string" ? parse2(config) : config || {};
        if (config.connectionString) {
          config = Object.assign({}, config, parse2(config.connectionString));
        }
        this.user = val("user", config);
        this.database = val("database", config);
        if (this.database === void 0) {
          this.database = this.user;
        }
        this.port = parseInt(val("port", config), 10);
        this.host = val("host", config);
        Object.defineProperty(this, "password", {
          configurable: true,
          enumerable: false,
          writable: true,
          value: val("password", config)
        });
        this.binary = val("binary", config);
        this.options = val("options", config);
        this.ssl = typeof config.ssl === "undefined" ? readSSLConfigFromEnvironment() : config.ssl;
        if (typeof this.ssl === "string") {
          if (this.ssl === "true") {
            this.ssl = true;
          }
        }
        if (this.ssl === "no-verify") {
          this.ssl = { rejectUnauthorized: false };
        }
        if (this.ssl && this.ssl.key) {
          Object.defineProperty(this.ssl, "key", {
            enumerable: false
          });
        }
        this.sslnegotiation = val("sslnegotiation", config, "PGSSLNEGOTIATION");
        if (this.sslnegotiation !== void 0 && this.sslnegotiation !== "postgres" && this.sslnegotiation !== "direct") {
          throw new Error(
            `Invalid sslnegotiation value: "${this.sslnegotiation}". Valid values are "postgres" and "direct".`
          );
        }
        if (this.sslnegotiation === "direct" && !this.ssl) {
          throw new Error("sslnegotiation=direct requires SSL to be enabled");
        }
        this.client_encoding = val("client_encoding", config);
        this.replication = val("replication", config);
        this.isDomainSocket = !(this.host || "").indexOf("/");
        this.application_name = val("application_name", config, "PGAPPNAME");
        this.fallback_application_name = val("fallback_application_name", config, false);
        this.statement_timeout = val("statement_timeout", config, false);
        this.lock_timeout = val("lock_timeout", config, false);
        this.idle_in_transaction_session_timeout = val("idle_in_transaction_session_timeout", config, false);
        this.query_timeout = val("query_timeout", config, false);
        if (config.connectionTimeoutMillis === void 0) {
          this.connect_timeout = process.env.PGCONNECT_TIMEOUT || 0;
        } else {
          this.connect_timeout = Math.floor(config.connectionTimeoutMillis / 1e3);
        }
        if (config.keepAlive === false) {
          this.keepalives = 0;
        } else if (config.keepAlive === true) {
          this.keepalives = 1;
        }
        if (typeof config.keepAliveInitialDelayMillis === "number") {
          this.keepalives_idle = Math.floor(config.keepAliveInitialDelayMillis / 1e3);
        }
      }
      getLibpqConnectionString(cb) {
        const params = [];
        add(params, this, "user");
        add(params, this, "password");
        add(params, this, "port");
        add(params, this, "application_name");
        add(params, this, "fallback_application_name");
        add(params, this, "connect_timeout");
        add(params, this, "options");
        const ssl = typeof this.ssl === "object" ? this.ssl : this.ssl ? { sslmode: this.ssl } : {};
        add(params, ssl, "sslmode");
        add(params, ssl, "sslca");
        add(params, ssl, "sslkey");
        add(params, ssl, "sslcert");
        add(params, ssl, "sslrootcert");
        add(params, this, "sslnegotiation");
        if (this.database) {
          params.push("dbname=" + quoteParamValue(this.database));
        }
        if (this.replication) {
          params.push("replication=" + quoteParamValue(this.replication));
        }
        if (this.host) {
          params.push("host=" + quoteParamValue(this.host));
        }
        if (this.isDomainSocket) {
          return cb(null, params.join(" "));
        }
        if (this.client_encoding) {
          params.push("client_encoding=" + quoteParamValue(this.client_encoding));
        }
        dns.lookup(this.host, function(err, address) {
          if (err) return cb(err, null);
          params.push("hostaddr=" + quoteParamValue(address));
          return cb(null, params.join(" "));
        });
      }
    };
    module.exports = ConnectionParameters;
  }
});

// node_modules/pg/lib/result.js
var require_result = __commonJS({
  "node_modules/pg/lib/result.js"(exports, module) {
    "use strict";
    var types2 = require_pg_types();
    var matchRegexp = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;
    var Result2 = class {
      constructor(rowMode, types3) {
        this.command = null;
        this.rowCount = null;
        this.oid = null;
        this.rows = [];
        this.fields = [];
        this._parsers = void 0;
        this._types = types3;
        this.RowCtor = null;
        this.rowAsArray = rowMode === "array";
        if (this.rowAsArray) {
          this.parseRow = this._parseRowAsArray;
        }
        this._prebuiltEmptyResultObject = null;
      }
      // adds a command complete message
      addCommandComplete(msg) {
        let match;
        if (msg.text) {
          match = matchRegexp.exec(msg.text);
        } else {
          match = matchRegexp.exec(msg.command);
        }
        if (match) {
          this.command = match[1];
          if (match[3]) {
            this.oid = parseInt(match[2], 10);
            this.rowCount = parseInt(match[3], 10);
          } else if (match[2]) {
            this.rowCount = parseInt(match[2], 10);
          }
        }
      }
      _parseRowAsArray(rowData) {
        const row = new Array(rowData.length);
        for (let i = 0, len = rowData.length; i < len; i++) {
          const rawValue = rowData[i];
          if (rawValue !== null) {
            row[i] = this._parsers[i](rawValue);
          } else {
            row[i] = null;
          }
        }
        return row;
      }
      parseRow(rowData) {
        const row = { ...this._prebuiltEmptyResultObject };
        for (let i = 0, len = rowData.length; i < len; i++) {
          const rawValue = rowData[i];
          const field = this.fields[i].name;
          if (rawValue !== null) {
            const v = this.fields[i].format === "binary" ? Buffer.from(rawValue) : rawValue;
            row[field] = this._parsers[i](v);
          } else {
            row[field] = null;
          }
        }
        return row;
      }
      addRow(row) {
        this.rows.push(row);
      }
      addFields(fieldDescriptions) {
        this.fields = fieldDescriptions;
        if (this.fields.length) {
          this._parsers = new Array(fieldDescriptions.length);
        }
        const row = /* @__PURE__ */ Object.create(null);
        for (let i = 0; i < fieldDescriptions.length; i++) {
          const desc = fieldDescriptions[i];
          row[desc.name] = null;
          if (this._types) {
            this._parsers[i] = this._types.getTypeParser(desc.dataTypeID, desc.format || "text");
          } else {
            this._parsers[i] = types2.getTypeParser(desc.dataTypeID, desc.format || "text");
          }
        }
        this._prebuiltEmptyResultObject = { ...row };
      }
    };
    module.exports = Result2;
  }
});

// node_modules/pg/lib/query.js
var require_query = __commonJS({
  "node_modules/pg/lib/query.js"(exports, module) {
    "use strict";
    var { EventEmitter } = __require("events");
    var Result2 = require_result();
    var utils = require_utils();
    var Query2 = class extends EventEmitter {
      constructor(config, values, callback) {
        super();
        config = utils.normalizeQueryConfig(config, values, callback);
        this.text = config.text;
        this.values = config.values;
        this.rows = config.rows;
        this.types = config.types;
        this.name = config.name;
        this.queryMode = config.queryMode;
        this.binary = config.binary;
        this.portal = config.portal || "";
        this.callback = config.callback;
        this._rowMode = config.rowMode;
        if (process.domain && config.callback) {
          this.callback = process.domain.bind(config.callback);
        }
        this._result = new Result2(this._rowMode, this.types);
        this._results = this._result;
        this._canceledDueToError = false;
      }
      requiresPreparation() {
        if (this.queryMode === "extended") {
          return true;
        }
        if (this.name) {
          return true;
        }
        if (this.rows) {
          return true;
        }
        if (!this.text) {
          return false;
        }
        if (!this.values) {
          return false;
        }
        return this.values.length > 0;
      }
      _checkForMultirow() {
        if (this._result.command) {
          if (!Array.isArray(this._results)) {
            this._results = [this._result];
          }
          this._result = new Result2(this._rowMode, this._result._types);
          this._results.push(this._result);
        }
      }
      // associates row metadata from the supplied
      // message with this query object
      // metadata used when parsing row results
      handleRowDescription(msg) {
        this._checkForMultirow();
        this._result.addFields(msg.fields);
        this._accumulateRows = this.callback || !this.listeners("row").length;
      }
      handleDataRow(msg) {
        let row;
        if (this._canceledDueToError) {
          return;
        }
        try {
          row = this._result.parseRow(msg.fields);
        } catch (err) {
          this._canceledDueToError = err;
          return;
        }
        this.emit("row", row, this._result);
        if (this._accumulateRows) {
          this._result.addRow(row);
        }
      }
      handleCommandComplete(msg, connection) {
        this._checkForMultirow();
        this._result.addCommandComplete(msg);
        if (this.rows) {
          connection.sync();
        }
      }
      // if a named prepared statement is created with empty query text
      // the backend will send an emptyQuery message but *not* a command complete message
      // since we pipeline sync immediately after execute we don't need to do anything here
      // unless we have rows specified, in which case we did not pipeline the initial sync call
      handleEmptyQuery(connection) {
        if (this.rows) {
          connection.sync();
        }
      }
      handleError(err, connection) {
        if (this._canceledDueToError) {
          err = this._canceledDueToError;
          this._canceledDueToError = false;
        }
        if (this.callback) {
          return this.callback(err);
        }
        this.emit("error", err);
      }
      handleReadyForQuery(con) {
        if (this._canceledDueToError) {
          return this.handleError(this._canceledDueToError, con);
        }
        if (this.callback) {
          try {
            this.callback(null, this._results);
          } catch (err) {
            process.nextTick(() => {
              throw err;
            });
          }
        }
        this.emit("end", this._results);
      }
      submit(connection) {
        if (typeof this.text !== "string" && typeof this.name !== "string") {
          return new Error("A query must have either text or a name. Supplying neither is unsupported.");
        }
        const previous = connection.parsedStatements[this.name] || connection.submittedNamedStatements[this.name];
        if (this.text && previous && this.text !== previous) {
          return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
        }
        if (this.values && !Array.isArray(this.values)) {
          return new Error("Query values must be an array");
        }
        if (this.requiresPreparation()) {
          connection.stream.cork && connection.stream.cork();
          try {
            this.prepare(connection);
          } finally {
            connection.stream.uncork && connection.stream.uncork();
          }
        } else {
          connection.query(this.text);
        }
        return null;
      }
      hasBeenParsed(connection) {
        return this.name && (connection.parsedStatements[this.name] !== void 0 || connection.submittedNamedStatements[this.name] !== void 0);
      }
      handlePortalSuspended(connection) {
        this._getRows(connection, this.rows);
      }
      _getRows(connection, rows) {
        connection.execute({
          portal: this.portal,
          rows
        });
        if (!rows) {
          connection.sync();
        } else {
          connection.flush();
        }
      }
      // http://developer.postgresql.org/pgdocs/postgres/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
      prepare(connection) {
        if (!this.hasBeenParsed(connection)) {
          connection.parse({
            text: this.text,
            name: this.name,
            types: this.types
          });
          if (this.name) {
            connection.submittedNamedStatements[this.name] = this.text;
          }
        }
        try {
          connection.bind({
            portal: this.portal,
            statement: this.name,
            values: this.values,
            binary: this.binary,
            valueMapper: utils.prepareValue
          });
        } catch (err) {
          connection.close({ type: "S", name: this.name });
          connection.sync();
          this.handleError(err, connection);
          return;
        }
        connection.describe({
          type: "P",
          name: this.portal || ""
        });
        this._getRows(connection, this.rows);
      }
      handleCopyInResponse(connection) {
        connection.sendCopyFail("No source stream defined");
      }
      handleCopyData(msg, connection) {
      }
    };
    module.exports = Query2;
  }
});

// node_modules/pg-protocol/dist/messages.js
var require_messages = __commonJS({
  "node_modules/pg-protocol/dist/messages.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.NoticeMessage = exports.DataRowMessage = exports.CommandCompleteMessage = exports.ReadyForQueryMessage = exports.NotificationResponseMessage = exports.BackendKeyDataMessage = exports.AuthenticationMD5Password = exports.ParameterStatusMessage = exports.ParameterDescriptionMessage = exports.RowDescriptionMessage = exports.Field = exports.CopyResponse = exports.CopyDataMessage = exports.DatabaseError = exports.copyDone = exports.emptyQuery = exports.replicationStart = exports.portalSuspended = exports.noData = exports.closeComplete = exports.bindComplete = exports.parseComplete = void 0;
    exports.parseComplete = {
      name: "parseComplete",
      length: 5
    };
    exports.bindComplete = {
      name: "bindComplete",
      length: 5
    };
    exports.closeComplete = {
      name: "closeComplete",
      length: 5
    };
    exports.noData = {
      name: "noData",
      length: 5
    };
    exports.portalSuspended = {
      name: "portalSuspended",
      length: 5
    };
    exports.replicationStart = {
      name: "replicationStart",
      length: 4
    };
    exports.emptyQuery = {
      name: "emptyQuery",
      length: 4
    };
    exports.copyDone = {
      name: "copyDone",
      length: 4
    };
    var DatabaseError2 = class extends Error {
      constructor(message, length, name) {
        super(message);
        this.length = length;
        this.name = name;
      }
    };
    exports.DatabaseError = DatabaseError2;
    var CopyDataMessage = class {
      constructor(length, chunk) {
        this.length = length;
        this.chunk = chunk;
        this.name = "copyData";
      }
    };
    exports.CopyDataMessage = CopyDataMessage;
    var CopyResponse = class {
      constructor(length, name, binary, columnCount) {
        this.length = length;
        this.name = name;
        this.binary = binary;
        this.columnTypes = new Array(columnCount);
      }
    };
    exports.CopyResponse = CopyResponse;
    var Field = class {
      constructor(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format) {
        this.name = name;
        this.tableID = tableID;
        this.columnID = columnID;
        this.dataTypeID = dataTypeID;
        this.dataTypeSize = dataTypeSize;
        this.dataTypeModifier = dataTypeModifier;
        this.format = format;
      }
    };
    exports.Field = Field;
    var RowDescriptionMessage = class {
      constructor(length, fieldCount) {
        this.length = length;
        this.fieldCount = fieldCount;
        this.name = "rowDescription";
        this.fields = new Array(this.fieldCount);
      }
    };
    exports.RowDescriptionMessage = RowDescriptionMessage;
    var ParameterDescriptionMessage = class {
      constructor(length, parameterCount) {
        this.length = length;
        this.parameterCount = parameterCount;
        this.name = "parameterDescription";
        this.dataTypeIDs = new Array(this.parameterCount);
      }
    };
    exports.ParameterDescriptionMessage = ParameterDescriptionMessage;
    var ParameterStatusMessage = class {
      constructor(length, parameterName, parameterValue) {
        this.length = length;
        this.parameterName = parameterName;
        this.parameterValue = parameterValue;
        this.name = "parameterStatus";
      }
    };
    exports.ParameterStatusMessage = ParameterStatusMessage;
    var AuthenticationMD5Password = class {
      constructor(length, salt) {
        this.length = length;
        this.salt = salt;
        this.name = "authenticationMD5Password";
      }
    };
    exports.AuthenticationMD5Password = AuthenticationMD5Password;
    var BackendKeyDataMessage = class {
      constructor(length, processID, secretKey) {
        this.length = length;
        this.processID = processID;
        this.secretKey = secretKey;
        this.name = "backendKeyData";
      }
    };
    exports.BackendKeyDataMessage = BackendKeyDataMessage;
    var NotificationResponseMessage = class {
      constructor(length, processId, channel, payload) {
        this.length = length;
        this.processId = processId;
        this.channel = channel;
        this.payload = payload;
        this.name = "notification";
      }
    };
    exports.NotificationResponseMessage = NotificationResponseMessage;
    var ReadyForQueryMessage = class {
      constructor(length, status) {
        this.length = length;
        this.status = status;
        this.name = "readyForQuery";
      }
    };
    exports.ReadyForQueryMessage = ReadyForQueryMessage;
    var CommandCompleteMessage = class {
      constructor(length, text2) {
        this.length = length;
        this.text = text2;
        this.name = "commandComplete";
      }
    };
    exports.CommandCompleteMessage = CommandCompleteMessage;
    var DataRowMessage = class {
      constructor(length, fields) {
        this.length = length;
        this.fields = fields;
        this.name = "dataRow";
        this.fieldCount = fields.length;
      }
    };
    exports.DataRowMessage = DataRowMessage;
    var NoticeMessage = class {
      constructor(length, message) {
        this.length = length;
        this.message = message;
        this.name = "notice";
      }
    };
    exports.NoticeMessage = NoticeMessage;
  }
});

// node_modules/pg-protocol/dist/buffer-writer.js
var require_buffer_writer = __commonJS({
  "node_modules/pg-protocol/dist/buffer-writer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Writer = void 0;
    var Writer = class {
      constructor(size = 256) {
        this.size = size;
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(size);
      }
      ensure(size) {
        const remaining = this.buffer.length - this.offset;
        if (remaining < size) {
          const oldBuffer = this.buffer;
          const newSize = oldBuffer.length + (oldBuffer.length >> 1) + size;
          this.buffer = Buffer.allocUnsafe(newSize);
          oldBuffer.copy(this.buffer, 0, 0, this.offset);
        }
      }
      addInt32(num) {
        this.ensure(4);
        this.buffer[this.offset++] = num >>> 24 & 255;
        this.buffer[this.offset++] = num >>> 16 & 255;
        this.buffer[this.offset++] = num >>> 8 & 255;
        this.buffer[this.offset++] = num >>> 0 & 255;
        return this;
      }
      addInt16(num) {
        this.ensure(2);
        this.buffer[this.offset++] = num >>> 8 & 255;
        this.buffer[this.offset++] = num >>> 0 & 255;
        return this;
      }
      addCString(string) {
        if (!string) {
          this.ensure(1);
        } else {
          const len = Buffer.byteLength(string);
          this.ensure(len + 1);
          this.buffer.write(string, this.offset, "utf-8");
          this.offset += len;
        }
        this.buffer[this.offset++] = 0;
        return this;
      }
      addString(string = "") {
        const len = Buffer.byteLength(string);
        this.ensure(len);
        this.buffer.write(string, this.offset);
        this.offset += len;
        return this;
      }
      // Write an Int32 byte-length prefix immediately followed by the string's UTF-8
      // bytes. Postgres' Bind wire format prefixes every parameter with its length,
      // and doing it in one method computes Buffer.byteLength ONCE — the previous
      // `addInt32(Buffer.byteLength(s)).addString(s)` pairing scanned the string
      // three times (byteLength for the prefix, byteLength again inside addString,
      // then the encode), which is costly for large text parameters.
      addInt32PrefixedString(string) {
        const len = Buffer.byteLength(string);
        this.ensure(4 + len);
        const buffer = this.buffer;
        let offset = this.offset;
        buffer[offset++] = len >>> 24 & 255;
        buffer[offset++] = len >>> 16 & 255;
        buffer[offset++] = len >>> 8 & 255;
        buffer[offset++] = len >>> 0 & 255;
        buffer.write(string, offset, "utf-8");
        this.offset = offset + len;
        return this;
      }
      add(otherBuffer) {
        this.ensure(otherBuffer.length);
        otherBuffer.copy(this.buffer, this.offset);
        this.offset += otherBuffer.length;
        return this;
      }
      /**
       * Appends an uninitialized block of {@link size} bytes to the buffer and returns its offset.
       */
      reserveUnsafe(size) {
        const offset = this.offset;
        this.ensure(size);
        this.offset += size;
        return offset;
      }
      join(code) {
        if (code) {
          this.buffer[this.headerPosition] = code;
          const length = this.offset - (this.headerPosition + 1);
          this.buffer.writeInt32BE(length, this.headerPosition + 1);
        }
        return this.buffer.slice(code ? 0 : 5, this.offset);
      }
      flush(code) {
        const result2 = this.join(code);
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(this.size);
        return result2;
      }
      clear() {
        this.offset = 5;
        this.headerPosition = 0;
      }
    };
    exports.Writer = Writer;
  }
});

// node_modules/pg-protocol/dist/serializer.js
var require_serializer = __commonJS({
  "node_modules/pg-protocol/dist/serializer.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.serialize = void 0;
    var buffer_writer_1 = require_buffer_writer();
    var writer = new buffer_writer_1.Writer();
    var startup = (opts) => {
      writer.addInt16(3).addInt16(0);
      for (const key of Object.keys(opts)) {
        writer.addCString(key).addCString(opts[key]);
      }
      writer.addCString("client_encoding").addCString("UTF8");
      const bodyBuffer = writer.addCString("").flush();
      const length = bodyBuffer.length + 4;
      return new buffer_writer_1.Writer().addInt32(length).add(bodyBuffer).flush();
    };
    var requestSsl = () => {
      const response = Buffer.allocUnsafe(8);
      response.writeInt32BE(8, 0);
      response.writeInt32BE(80877103, 4);
      return response;
    };
    var password = (password2) => {
      return writer.addCString(password2).flush(
        112
        /* code.startup */
      );
    };
    var sendSASLInitialResponseMessage = function(mechanism, initialResponse) {
      writer.addCString(mechanism).addInt32PrefixedString(initialResponse);
      return writer.flush(
        112
        /* code.startup */
      );
    };
    var sendSCRAMClientFinalMessage = function(additionalData) {
      return writer.addString(additionalData).flush(
        112
        /* code.startup */
      );
    };
    var query = (text2) => {
      return writer.addCString(text2).flush(
        81
        /* code.query */
      );
    };
    var emptyArray = [];
    var parse2 = (query2) => {
      const name = query2.name || "";
      if (name.length > 63) {
        console.error("Warning! Postgres only supports 63 characters for query names.");
        console.error("You supplied %s (%s)", name, name.length);
        console.error("This can cause conflicts and silent errors executing queries");
      }
      const types2 = query2.types || emptyArray;
      const len = types2.length;
      const buffer = writer.addCString(name).addCString(query2.text).addInt16(len);
      for (let i = 0; i < len; i++) {
        buffer.addInt32(types2[i]);
      }
      return writer.flush(
        80
        /* code.parse */
      );
    };
    var writeValues = function(values, valueMapper, formatsOffset) {
      const len = values.length;
      for (let i = 0; i < len; i++) {
        const mappedVal = valueMapper ? valueMapper(values[i], i) : values[i];
        let formatByte = 0;
        if (mappedVal == null) {
          writer.addInt32(-1);
        } else if (mappedVal instanceof Buffer) {
          formatByte = 1;
          writer.addInt32(mappedVal.length);
          writer.add(mappedVal);
        } else {
          writer.addInt32PrefixedString(mappedVal);
        }
        const buf = writer.buffer;
        buf[formatsOffset++] = 0;
        buf[formatsOffset++] = formatByte;
      }
    };
    var bind = (config = {}) => {
      const portal = config.portal || "";
      const statement = config.statement || "";
      const binary = config.binary || false;
      const values = config.values || emptyArray;
      const len = values.length;
      writer.addCString(portal).addCString(statement);
      writer.addInt16(len);
      const formatsOffset = writer.reserveUnsafe(len * 2);
      writer.addInt16(len);
      try {
        writeValues(values, config.valueMapper, formatsOffset);
      } catch (err) {
        writer.clear();
        throw err;
      }
      writer.addInt16(1);
      writer.addInt16(
        binary ? 1 : 0
        /* ParamType.STRING */
      );
      return writer.flush(
        66
        /* code.bind */
      );
    };
    var emptyExecute = Buffer.from([69, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
    var execute = (config) => {
      if (!config || !config.portal && !config.rows) {
        return emptyExecute;
      }
      const portal = config.portal || "";
      const rows = config.rows || 0;
      const portalLength = Buffer.byteLength(portal);
      const len = 4 + portalLength + 1 + 4;
      const buff = Buffer.allocUnsafe(1 + len);
      buff[0] = 69;
      buff.writeInt32BE(len, 1);
      buff.write(portal, 5, "utf-8");
      buff[portalLength + 5] = 0;
      buff.writeUInt32BE(rows, buff.length - 4);
      return buff;
    };
    var cancel = (processID, secretKey) => {
      const buffer = Buffer.allocUnsafe(16);
      buffer.writeInt32BE(16, 0);
      buffer.writeInt16BE(1234, 4);
      buffer.writeInt16BE(5678, 6);
      buffer.writeInt32BE(processID, 8);
      buffer.writeInt32BE(secretKey, 12);
      return buffer;
    };
    var cstringMessage = (code, string) => {
      const stringLen = Buffer.byteLength(string);
      const len = 4 + stringLen + 1;
      const buffer = Buffer.allocUnsafe(1 + len);
      buffer[0] = code;
      buffer.writeInt32BE(len, 1);
      buffer.write(string, 5, "utf-8");
      buffer[len] = 0;
      return buffer;
    };
    var emptyDescribePortal = writer.addCString("P").flush(
      68
      /* code.describe */
    );
    var emptyDescribeStatement = writer.addCString("S").flush(
      68
      /* code.describe */
    );
    var describe = (msg) => {
      return msg.name ? cstringMessage(68, `${msg.type}${msg.name || ""}`) : msg.type === "P" ? emptyDescribePortal : emptyDescribeStatement;
    };
    var close2 = (msg) => {
      const text2 = `${msg.type}${msg.name || ""}`;
      return cstringMessage(67, text2);
    };
    var copyData = (chunk) => {
      return writer.add(chunk).flush(
        100
        /* code.copyFromChunk */
      );
    };
    var copyFail = (message) => {
      return cstringMessage(102, message);
    };
    var codeOnlyBuffer = (code) => Buffer.from([code, 0, 0, 0, 4]);
    var flushBuffer = codeOnlyBuffer(
      72
      /* code.flush */
    );
    var syncBuffer = codeOnlyBuffer(
      83
      /* code.sync */
    );
    var endBuffer = codeOnlyBuffer(
      88
      /* code.end */
    );
    var copyDoneBuffer = codeOnlyBuffer(
      99
      /* code.copyDone */
    );
    var serialize = {
      startup,
      password,
      requestSsl,
      sendSASLInitialResponseMessage,
      sendSCRAMClientFinalMessage,
      query,
      parse: parse2,
      bind,
      execute,
      describe,
      close: close2,
      flush: () => flushBuffer,
      sync: () => syncBuffer,
      end: () => endBuffer,
      copyData,
      copyDone: () => copyDoneBuffer,
      copyFail,
      cancel
    };
    exports.serialize = serialize;
  }
});

// node_modules/pg-protocol/dist/buffer-reader.js
var require_buffer_reader = __commonJS({
  "node_modules/pg-protocol/dist/buffer-reader.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.BufferReader = void 0;
    var BufferReader = class {
      constructor(offset = 0) {
        this.offset = offset;
        this.buffer = Buffer.allocUnsafe(0);
        this.encoding = "utf-8";
      }
      setBuffer(offset, buffer) {
        this.offset = offset;
        this.buffer = buffer;
      }
      int16() {
        const result2 = this.buffer.readInt16BE(this.offset);
        this.offset += 2;
        return result2;
      }
      byte() {
        const result2 = this.buffer[this.offset];
        this.offset++;
        return result2;
      }
      int32() {
        const result2 = this.buffer.readInt32BE(this.offset);
        this.offset += 4;
        return result2;
      }
      uint32() {
        const result2 = this.buffer.readUInt32BE(this.offset);
        this.offset += 4;
        return result2;
      }
      string(length) {
        const result2 = this.buffer.toString(this.encoding, this.offset, this.offset + length);
        this.offset += length;
        return result2;
      }
      cstring() {
        const start = this.offset;
        let end = start;
        while (this.buffer[end++]) {
        }
        this.offset = end;
        return this.buffer.toString(this.encoding, start, end - 1);
      }
      bytes(length) {
        const result2 = this.buffer.slice(this.offset, this.offset + length);
        this.offset += length;
        return result2;
      }
    };
    exports.BufferReader = BufferReader;
  }
});

// node_modules/pg-protocol/dist/parser.js
var require_parser = __commonJS({
  "node_modules/pg-protocol/dist/parser.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.Parser = void 0;
    var messages_1 = require_messages();
    var buffer_reader_1 = require_buffer_reader();
    var CODE_LENGTH = 1;
    var LEN_LENGTH = 4;
    var HEADER_LENGTH = CODE_LENGTH + LEN_LENGTH;
    var LATEINIT_LENGTH = -1;
    var emptyBuffer = Buffer.allocUnsafe(0);
    var Parser = class {
      constructor(opts) {
        this.buffer = emptyBuffer;
        this.bufferLength = 0;
        this.bufferOffset = 0;
        this.reader = new buffer_reader_1.BufferReader();
        if ((opts === null || opts === void 0 ? void 0 : opts.mode) === "binary") {
          throw new Error("Binary mode not supported yet");
        }
        this.mode = (opts === null || opts === void 0 ? void 0 : opts.mode) || "text";
      }
      parse(buffer, callback) {
        this.mergeBuffer(buffer);
        const bufferFullLength = this.bufferOffset + this.bufferLength;
        let offset = this.bufferOffset;
        while (offset + HEADER_LENGTH <= bufferFullLength) {
          const code = this.buffer[offset];
          const length = this.buffer.readUInt32BE(offset + CODE_LENGTH);
          const fullMessageLength = CODE_LENGTH + length;
          if (fullMessageLength + offset <= bufferFullLength) {
            const message = this.handlePacket(offset + HEADER_LENGTH, code, length, this.buffer);
            callback(message);
            offset += fullMessageLength;
          } else {
            break;
          }
        }
        if (offset === bufferFullLength) {
          this.buffer = emptyBuffer;
          this.bufferLength = 0;
          this.bufferOffset = 0;
        } else {
          this.bufferLength = bufferFullLength - offset;
          this.bufferOffset = offset;
        }
      }
      mergeBuffer(buffer) {
        if (this.bufferLength > 0) {
          const newLength = this.bufferLength + buffer.byteLength;
          const newFullLength = newLength + this.bufferOffset;
          if (newFullLength > this.buffer.byteLength) {
            let newBuffer;
            if (newLength <= this.buffer.byteLength && this.bufferOffset >= this.bufferLength) {
              newBuffer = this.buffer;
            } else {
              let newBufferLength = this.buffer.byteLength * 2;
              while (newLength >= newBufferLength) {
                newBufferLength *= 2;
              }
              newBuffer = Buffer.allocUnsafe(newBufferLength);
            }
            this.buffer.copy(newBuffer, 0, this.bufferOffset, this.bufferOffset + this.bufferLength);
            this.buffer = newBuffer;
            this.bufferOffset = 0;
          }
          buffer.copy(this.buffer, this.bufferOffset + this.bufferLength);
          this.bufferLength = newLength;
        } else {
          this.buffer = buffer;
          this.bufferOffset = 0;
          this.bufferLength = buffer.byteLength;
        }
      }
      handlePacket(offset, code, length, bytes) {
        const { reader } = this;
        reader.setBuffer(offset, bytes);
        let message;
        switch (code) {
          case 50:
            message = messages_1.bindComplete;
            break;
          case 49:
            message = messages_1.parseComplete;
            break;
          case 51:
            message = messages_1.closeComplete;
            break;
          case 110:
            message = messages_1.noData;
            break;
          case 115:
            message = messages_1.portalSuspended;
            break;
          case 99:
            message = messages_1.copyDone;
            break;
          case 87:
            message = messages_1.replicationStart;
            break;
          case 73:
            message = messages_1.emptyQuery;
            break;
          case 68:
            message = parseDataRowMessage(reader);
            break;
          case 67:
            message = parseCommandCompleteMessage(reader);
            break;
          case 90:
            message = parseReadyForQueryMessage(reader);
            break;
          case 65:
            message = parseNotificationMessage(reader);
            break;
          case 82:
            message = parseAuthenticationResponse(reader, length);
            break;
          case 83:
            message = parseParameterStatusMessage(reader);
            break;
          case 75:
            message = parseBackendKeyData(reader);
            break;
          case 69:
            message = parseErrorMessage(reader, "error");
            break;
          case 78:
            message = parseErrorMessage(reader, "notice");
            break;
          case 84:
            message = parseRowDescriptionMessage(reader);
            break;
          case 116:
            message = parseParameterDescriptionMessage(reader);
            break;
          case 71:
            message = parseCopyInMessage(reader);
            break;
          case 72:
            message = parseCopyOutMessage(reader);
            break;
          case 100:
            message = parseCopyData(reader, length);
            break;
          default:
            return new messages_1.DatabaseError("received invalid response: " + code.toString(16), length, "error");
        }
        reader.setBuffer(0, emptyBuffer);
        message.length = length;
        return message;
      }
    };
    exports.Parser = Parser;
    var parseReadyForQueryMessage = (reader) => {
      const status = reader.string(1);
      return new messages_1.ReadyForQueryMessage(LATEINIT_LENGTH, status);
    };
    var parseCommandCompleteMessage = (reader) => {
      const text2 = reader.cstring();
      return new messages_1.CommandCompleteMessage(LATEINIT_LENGTH, text2);
    };
    var parseCopyData = (reader, length) => {
      const chunk = reader.bytes(length - 4);
      return new messages_1.CopyDataMessage(LATEINIT_LENGTH, chunk);
    };
    var parseCopyInMessage = (reader) => parseCopyMessage(reader, "copyInResponse");
    var parseCopyOutMessage = (reader) => parseCopyMessage(reader, "copyOutResponse");
    var parseCopyMessage = (reader, messageName) => {
      const isBinary = reader.byte() !== 0;
      const columnCount = reader.int16();
      const message = new messages_1.CopyResponse(LATEINIT_LENGTH, messageName, isBinary, columnCount);
      for (let i = 0; i < columnCount; i++) {
        message.columnTypes[i] = reader.int16();
      }
      return message;
    };
    var parseNotificationMessage = (reader) => {
      const processId = reader.int32();
      const channel = reader.cstring();
      const payload = reader.cstring();
      return new messages_1.NotificationResponseMessage(LATEINIT_LENGTH, processId, channel, payload);
    };
    var parseRowDescriptionMessage = (reader) => {
      const fieldCount = reader.int16();
      const message = new messages_1.RowDescriptionMessage(LATEINIT_LENGTH, fieldCount);
      for (let i = 0; i < fieldCount; i++) {
        message.fields[i] = parseField(reader);
      }
      return message;
    };
    var parseField = (reader) => {
      const name = reader.cstring();
      const tableID = reader.uint32();
      const columnID = reader.int16();
      const dataTypeID = reader.uint32();
      const dataTypeSize = reader.int16();
      const dataTypeModifier = reader.int32();
      const mode = reader.int16() === 0 ? "text" : "binary";
      return new messages_1.Field(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, mode);
    };
    var parseParameterDescriptionMessage = (reader) => {
      const parameterCount = reader.int16();
      const message = new messages_1.ParameterDescriptionMessage(LATEINIT_LENGTH, parameterCount);
      for (let i = 0; i < parameterCount; i++) {
        message.dataTypeIDs[i] = reader.uint32();
      }
      return message;
    };
    var parseDataRowMessage = (reader) => {
      const fieldCount = reader.int16();
      const fields = new Array(fieldCount);
      for (let i = 0; i < fieldCount; i++) {
        const len = reader.int32();
        fields[i] = len === -1 ? null : reader.string(len);
      }
      return new messages_1.DataRowMessage(LATEINIT_LENGTH, fields);
    };
    var parseParameterStatusMessage = (reader) => {
      const name = reader.cstring();
      const value = reader.cstring();
      return new messages_1.ParameterStatusMessage(LATEINIT_LENGTH, name, value);
    };
    var parseBackendKeyData = (reader) => {
      const processID = reader.int32();
      const secretKey = reader.int32();
      return new messages_1.BackendKeyDataMessage(LATEINIT_LENGTH, processID, secretKey);
    };
    var parseAuthenticationResponse = (reader, length) => {
      const code = reader.int32();
      const message = {
        name: "authenticationOk",
        length
      };
      switch (code) {
        case 0:
          break;
        case 3:
          if (message.length === 8) {
            message.name = "authenticationCleartextPassword";
          }
          break;
        case 5:
          if (message.length === 12) {
            message.name = "authenticationMD5Password";
            const salt = reader.bytes(4);
            return new messages_1.AuthenticationMD5Password(LATEINIT_LENGTH, salt);
          }
          break;
        case 10:
          {
            message.name = "authenticationSASL";
            message.mechanisms = [];
            let mechanism;
            do {
              mechanism = reader.cstring();
              if (mechanism) {
                message.mechanisms.push(mechanism);
              }
            } while (mechanism);
          }
          break;
        case 11:
          message.name = "authenticationSASLContinue";
          message.data = reader.string(length - 8);
          break;
        case 12:
          message.name = "authenticationSASLFinal";
          message.data = reader.string(length - 8);
          break;
        default:
          throw new Error("Unknown authenticationOk message type " + code);
      }
      return message;
    };
    var parseErrorMessage = (reader, name) => {
      const fields = {};
      let fieldType = reader.string(1);
      while (fieldType !== "\0") {
        fields[fieldType] = reader.cstring();
        fieldType = reader.string(1);
      }
      const messageValue = fields.M;
      const message = name === "notice" ? new messages_1.NoticeMessage(LATEINIT_LENGTH, messageValue) : new messages_1.DatabaseError(messageValue, LATEINIT_LENGTH, name);
      message.severity = fields.S;
      message.code = fields.C;
      message.detail = fields.D;
      message.hint = fields.H;
      message.position = fields.P;
      message.internalPosition = fields.p;
      message.internalQuery = fields.q;
      message.where = fields.W;
      message.schema = fields.s;
      message.table = fields.t;
      message.column = fields.c;
      message.dataType = fields.d;
      message.constraint = fields.n;
      message.file = fields.F;
      message.line = fields.L;
      message.routine = fields.R;
      return message;
    };
  }
});

// node_modules/pg-protocol/dist/index.js
var require_dist = __commonJS({
  "node_modules/pg-protocol/dist/index.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.DatabaseError = exports.serialize = void 0;
    exports.parse = parse2;
    var messages_1 = require_messages();
    Object.defineProperty(exports, "DatabaseError", { enumerable: true, get: function() {
      return messages_1.DatabaseError;
    } });
    var serializer_1 = require_serializer();
    Object.defineProperty(exports, "serialize", { enumerable: true, get: function() {
      return serializer_1.serialize;
    } });
    var parser_1 = require_parser();
    function parse2(stream, callback) {
      const parser2 = new parser_1.Parser();
      stream.on("data", (buffer) => parser2.parse(buffer, callback));
      return new Promise((resolve9) => stream.on("end", () => resolve9()));
    }
  }
});

// node_modules/pg-cloudflare/dist/empty.js
var require_empty = __commonJS({
  "node_modules/pg-cloudflare/dist/empty.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.default = {};
  }
});

// node_modules/pg/lib/stream.js
var require_stream = __commonJS({
  "node_modules/pg/lib/stream.js"(exports, module) {
    var { getStream, getSecureStream } = getStreamFuncs();
    module.exports = {
      /**
       * Get a socket stream compatible with the current runtime environment.
       * @returns {Duplex}
       */
      getStream,
      /**
       * Get a TLS secured socket, compatible with the current environment,
       * using the socket and other settings given in `options`.
       * @returns {Duplex}
       */
      getSecureStream
    };
    function getNodejsStreamFuncs() {
      function getStream2(ssl) {
        const net = __require("net");
        return new net.Socket();
      }
      function getSecureStream2(options) {
        const tls = __require("tls");
        return tls.connect(options);
      }
      return {
        getStream: getStream2,
        getSecureStream: getSecureStream2
      };
    }
    function getCloudflareStreamFuncs() {
      function getStream2(ssl) {
        const { CloudflareSocket } = require_empty();
        return new CloudflareSocket(ssl);
      }
      function getSecureStream2(options) {
        options.socket.startTls(options);
        return options.socket;
      }
      return {
        getStream: getStream2,
        getSecureStream: getSecureStream2
      };
    }
    function isCloudflareRuntime() {
      if (typeof navigator === "object" && navigator !== null && typeof navigator.userAgent === "string") {
        return navigator.userAgent === "Cloudflare-Workers";
      }
      if (typeof Response === "function") {
        const resp = new Response(null, { cf: { thing: true } });
        if (typeof resp.cf === "object" && resp.cf !== null && resp.cf.thing) {
          return true;
        }
      }
      return false;
    }
    function getStreamFuncs() {
      if (isCloudflareRuntime()) {
        return getCloudflareStreamFuncs();
      }
      return getNodejsStreamFuncs();
    }
  }
});

// node_modules/pg/lib/connection.js
var require_connection = __commonJS({
  "node_modules/pg/lib/connection.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var { parse: parse2, serialize } = require_dist();
    var stream = require_stream();
    var { getStream } = stream;
    var flushBuffer = serialize.flush();
    var syncBuffer = serialize.sync();
    var endBuffer = serialize.end();
    var Connection2 = class extends EventEmitter {
      constructor(config) {
        super();
        config = config || {};
        this.stream = config.stream || getStream(config.ssl);
        if (typeof this.stream === "function") {
          this.stream = this.stream(config);
        }
        this._keepAlive = config.keepAlive;
        this._keepAliveInitialDelayMillis = config.keepAliveInitialDelayMillis;
        this.parsedStatements = {};
        this.submittedNamedStatements = {};
        this.ssl = config.ssl || false;
        this.sslNegotiation = config.sslNegotiation || "postgres";
        this._ending = false;
        this._emitMessage = false;
        const self2 = this;
        this.on("newListener", function(eventName) {
          if (eventName === "message") {
            self2._emitMessage = true;
          }
        });
      }
      connect(port, host) {
        const self2 = this;
        this._connecting = true;
        this.stream.setNoDelay(true);
        this.stream.connect(port, host);
        this.stream.once("connect", function() {
          if (self2._keepAlive) {
            self2.stream.setKeepAlive(true, self2._keepAliveInitialDelayMillis);
          }
          self2.emit("connect");
        });
        const reportStreamError = function(error) {
          if (self2._ending && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
            return;
          }
          self2.emit("error", error);
        };
        this.stream.on("error", reportStreamError);
        this.stream.on("close", function() {
          self2.emit("end");
        });
        if (!this.ssl) {
          return this.attachListeners(this.stream);
        }
        if (this.sslNegotiation === "direct") {
          return this.stream.once("connect", function() {
            self2.upgradeToSSL(host, reportStreamError);
          });
        }
        this.stream.once("data", function(buffer) {
          const responseCode = buffer.toString("utf8");
          switch (responseCode) {
            case "S":
              break;
            case "N":
              self2.stream.end();
              return self2.emit("error", new Error("The server does not support SSL connections"));
            default:
              self2.stream.end();
              return self2.emit("error", new Error("There was an error establishing an SSL connection"));
          }
          self2.upgradeToSSL(host, reportStreamError);
        });
      }
      upgradeToSSL(host, reportStreamError) {
        const self2 = this;
        const options = {
          socket: self2.stream,
          // tls.connect checks the server identity against `servername`, falling
          // back to `host` and then to 'localhost'. `servername` must stay unset
          // for IP addresses (see below), so `host` is needed to keep certificate
          // validation working when connecting to an IP address.
          host
        };
        if (self2.ssl !== true) {
          Object.assign(options, self2.ssl);
          if ("key" in self2.ssl) {
            options.key = self2.ssl.key;
          }
        }
        if (self2.sslNegotiation === "direct") {
          options.ALPNProtocols = ["postgresql"];
        }
        const net = __require("net");
        if (net.isIP && net.isIP(host) === 0) {
          options.servername = host;
        }
        try {
          self2.stream = stream.getSecureStream(options);
        } catch (err) {
          return self2.emit("error", err);
        }
        self2.attachListeners(self2.stream);
        self2.stream.on("error", reportStreamError);
        self2.emit("sslconnect");
      }
      attachListeners(stream2) {
        parse2(stream2, (msg) => {
          const eventName = msg.name === "error" ? "errorMessage" : msg.name;
          if (this._emitMessage) {
            this.emit("message", msg);
          }
          this.emit(eventName, msg);
        });
      }
      requestSsl() {
        this.stream.write(serialize.requestSsl());
      }
      startup(config) {
        this.stream.write(serialize.startup(config));
      }
      cancel(processID, secretKey) {
        this._send(serialize.cancel(processID, secretKey));
      }
      password(password) {
        this._send(serialize.password(password));
      }
      sendSASLInitialResponseMessage(mechanism, initialResponse) {
        this._send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse));
      }
      sendSCRAMClientFinalMessage(additionalData) {
        this._send(serialize.sendSCRAMClientFinalMessage(additionalData));
      }
      _send(buffer) {
        if (!this.stream.writable) {
          return false;
        }
        return this.stream.write(buffer);
      }
      query(text2) {
        this._send(serialize.query(text2));
      }
      // send parse message
      parse(query) {
        this._send(serialize.parse(query));
      }
      // send bind message
      bind(config) {
        this._send(serialize.bind(config));
      }
      // send execute message
      execute(config) {
        this._send(serialize.execute(config));
      }
      flush() {
        if (this.stream.writable) {
          this.stream.write(flushBuffer);
        }
      }
      sync() {
        this._send(syncBuffer);
      }
      ref() {
        this.stream.ref();
      }
      unref() {
        this.stream.unref();
      }
      end() {
        this._ending = true;
        if (!this._connecting || !this.stream.writable) {
          this.stream.end();
          return;
        }
        return this.stream.write(endBuffer, () => {
          this.stream.end();
        });
      }
      close(msg) {
        this._send(serialize.close(msg));
      }
      describe(msg) {
        this._send(serialize.describe(msg));
      }
      sendCopyFromChunk(chunk) {
        this._send(serialize.copyData(chunk));
      }
      endCopyFrom() {
        this._send(serialize.copyDone());
      }
      sendCopyFail(msg) {
        this._send(serialize.copyFail(msg));
      }
    };
    module.exports = Connection2;
  }
});

// node_modules/split2/index.js
var require_split2 = __commonJS({
  "node_modules/split2/index.js"(exports, module) {
    "use strict";
    var { Transform } = __require("stream");
    var { StringDecoder } = __require("string_decoder");
    var kLast = /* @__PURE__ */ Symbol("last");
    var kDecoder = /* @__PURE__ */ Symbol("decoder");
    function transform(chunk, enc, cb) {
      let list2;
      if (this.overflow) {
        const buf = this[kDecoder].write(chunk);
        list2 = buf.split(this.matcher);
        if (list2.length === 1) return cb();
        list2.shift();
        this.overflow = false;
      } else {
        this[kLast] += this[kDecoder].write(chunk);
        list2 = this[kLast].split(this.matcher);
      }
      this[kLast] = list2.pop();
      for (let i = 0; i < list2.length; i++) {
        try {
          push(this, this.mapper(list2[i]));
        } catch (error) {
          return cb(error);
        }
      }
      this.overflow = this[kLast].length > this.maxLength;
      if (this.overflow && !this.skipOverflow) {
        cb(new Error("maximum buffer reached"));
        return;
      }
      cb();
    }
    function flush(cb) {
      this[kLast] += this[kDecoder].end();
      if (this[kLast]) {
        try {
          push(this, this.mapper(this[kLast]));
        } catch (error) {
          return cb(error);
        }
      }
      cb();
    }
    function push(self2, val) {
      if (val !== void 0) {
        self2.push(val);
      }
    }
    function noop(incoming) {
      return incoming;
    }
    function split(matcher, mapper, options) {
      matcher = matcher || /\r?\n/;
      mapper = mapper || noop;
      options = options || {};
      switch (arguments.length) {
        case 1:
          if (typeof matcher === "function") {
            mapper = matcher;
            matcher = /\r?\n/;
          } else if (typeof matcher === "object" && !(matcher instanceof RegExp) && !matcher[Symbol.split]) {
            options = matcher;
            matcher = /\r?\n/;
          }
          break;
        case 2:
          if (typeof matcher === "function") {
            options = mapper;
            mapper = matcher;
            matcher = /\r?\n/;
          } else if (typeof mapper === "object") {
            options = mapper;
            mapper = noop;
          }
      }
      options = Object.assign({}, options);
      options.autoDestroy = true;
      options.transform = transform;
      options.flush = flush;
      options.readableObjectMode = true;
      const stream = new Transform(options);
      stream[kLast] = "";
      stream[kDecoder] = new StringDecoder("utf8");
      stream.matcher = matcher;
      stream.mapper = mapper;
      stream.maxLength = options.maxLength;
      stream.skipOverflow = options.skipOverflow || false;
      stream.overflow = false;
      stream._destroy = function(err, cb) {
        this._writableState.errorEmitted = false;
        cb(err);
      };
      return stream;
    }
    module.exports = split;
  }
});

// node_modules/pgpass/lib/helper.js
var require_helper = __commonJS({
  "node_modules/pgpass/lib/helper.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var Stream = __require("stream").Stream;
    var split = require_split2();
    var util = __require("util");
    var defaultPort = 5432;
    var isWin = process.platform === "win32";
    var warnStream = process.stderr;
    var S_IRWXG = 56;
    var S_IRWXO = 7;
    var S_IFMT = 61440;
    var S_IFREG = 32768;
    function isRegFile(mode) {
      return (mode & S_IFMT) == S_IFREG;
    }
    var fieldNames = ["host", "port", "database", "user", "password"];
    var nrOfFields = fieldNames.length;
    var passKey = fieldNames[nrOfFields - 1];
    function warn() {
      var isWritable = warnStream instanceof Stream && true === warnStream.writable;
      if (isWritable) {
        var args = Array.prototype.slice.call(arguments).concat("\n");
        warnStream.write(util.format.apply(util, args));
      }
    }
    Object.defineProperty(module.exports, "isWin", {
      get: function() {
        return isWin;
      },
      set: function(val) {
        isWin = val;
      }
    });
    module.exports.warnTo = function(stream) {
      var old = warnStream;
      warnStream = stream;
      return old;
    };
    module.exports.getFileName = function(rawEnv) {
      var env = rawEnv || process.env;
      var file = env.PGPASSFILE || (isWin ? path.join(env.APPDATA || "./", "postgresql", "pgpass.conf") : path.join(env.HOME || "./", ".pgpass"));
      return file;
    };
    module.exports.usePgPass = function(stats, fname) {
      if (Object.prototype.hasOwnProperty.call(process.env, "PGPASSWORD")) {
        return false;
      }
      if (isWin) {
        return true;
      }
      fname = fname || "<unkn>";
      if (!isRegFile(stats.mode)) {
        warn('WARNING: password file "%s" is not a plain file', fname);
        return false;
      }
      if (stats.mode & (S_IRWXG | S_IRWXO)) {
        warn('WARNING: password file "%s" has group or world access; permissions should be u=rw (0600) or less', fname);
        return false;
      }
      return true;
    };
    var matcher = module.exports.match = function(connInfo, entry) {
      return fieldNames.slice(0, -1).reduce(function(prev, field, idx) {
        if (idx == 1) {
          if (Number(connInfo[field] || defaultPort) === Number(entry[field])) {
            return prev && true;
          }
        }
        return prev && (entry[field] === "*" || entry[field] === connInfo[field]);
      }, true);
    };
    module.exports.getPassword = function(connInfo, stream, cb) {
      var pass;
      var lineStream = stream.pipe(split());
      function onLine(line) {
        var entry = parseLine(line);
        if (entry && isValidEntry(entry) && matcher(connInfo, entry)) {
          pass = entry[passKey];
          lineStream.end();
        }
      }
      var onEnd = function() {
        stream.destroy();
        cb(pass);
      };
      var onErr = function(err) {
        stream.destroy();
        warn("WARNING: error on reading file: %s", err);
        cb(void 0);
      };
      stream.on("error", onErr);
      lineStream.on("data", onLine).on("end", onEnd).on("error", onErr);
    };
    var parseLine = module.exports.parseLine = function(line) {
      if (line.length < 11 || line.match(/^\s+#/)) {
        return null;
      }
      var curChar = "";
      var prevChar = "";
      var fieldIdx = 0;
      var startIdx = 0;
      var endIdx = 0;
      var obj = {};
      var isLastField = false;
      var addToObj = function(idx, i0, i1) {
        var field = line.substring(i0, i1);
        if (!Object.hasOwnProperty.call(process.env, "PGPASS_NO_DEESCAPE")) {
          field = field.replace(/\\([:\\])/g, "$1");
        }
        obj[fieldNames[idx]] = field;
      };
      for (var i = 0; i < line.length - 1; i += 1) {
        curChar = line.charAt(i + 1);
        prevChar = line.charAt(i);
        isLastField = fieldIdx == nrOfFields - 1;
        if (isLastField) {
          addToObj(fieldIdx, startIdx);
          break;
        }
        if (i >= 0 && curChar == ":" && prevChar !== "\\") {
          addToObj(fieldIdx, startIdx, i + 1);
          startIdx = i + 2;
          fieldIdx += 1;
        }
      }
      obj = Object.keys(obj).length === nrOfFields ? obj : null;
      return obj;
    };
    var isValidEntry = module.exports.isValidEntry = function(entry) {
      var rules = {
        // host
        0: function(x) {
          return x.length > 0;
        },
        // port
        1: function(x) {
          if (x === "*") {
            return true;
          }
          x = Number(x);
          return isFinite(x) && x > 0 && x < 9007199254740992 && Math.floor(x) === x;
        },
        // database
        2: function(x) {
          return x.length > 0;
        },
        // username
        3: function(x) {
          return x.length > 0;
        },
        // password
        4: function(x) {
          return x.length > 0;
        }
      };
      for (var idx = 0; idx < fieldNames.length; idx += 1) {
        var rule = rules[idx];
        var value = entry[fieldNames[idx]] || "";
        var res = rule(value);
        if (!res) {
          return false;
        }
      }
      return true;
    };
  }
});

// node_modules/pgpass/lib/index.js
var require_lib = __commonJS({
  "node_modules/pgpass/lib/index.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var fs = __require("fs");
    var helper = require_helper();
    module.exports = function(connInfo, cb) {
      var file = helper.getFileName();
      fs.stat(file, function(err, stat2) {
        if (err || !helper.usePgPass(stat2, file)) {
          return cb(void 0);
        }
        var st = fs.createReadStream(file);
        helper.getPassword(connInfo, st, cb);
      });
    };
    module.exports.warnTo = helper.warnTo;
  }
});

// node_modules/pg/lib/client.js
var require_client = __commonJS({
  "node_modules/pg/lib/client.js"(exports, module) {
    var EventEmitter = __require("events").EventEmitter;
    var utils = require_utils();
    var nodeUtils = __require("util");
    var sasl = require_sasl();
    var TypeOverrides2 = require_type_overrides();
    var ConnectionParameters = require_connection_parameters();
    var Query2 = require_query();
    var defaults2 = require_defaults();
    var Connection2 = require_connection();
    var crypto2 = require_utils2();
    var activeQueryDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Client.activeQuery is deprecated and will be removed in pg@9.0"
    );
    var queryQueueDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Client.queryQueue is deprecated and will be removed in pg@9.0."
    );
    var pgPassDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "pgpass support is deprecated and will be removed in pg@9.0. You can provide an async function as the password property to the Client/Pool constructor that returns a password instead. Within this function you can call the pgpass module in your own code."
    );
    var byoPromiseDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Passing a custom Promise implementation to the Client/Pool constructor is deprecated and will be removed in pg@9.0."
    );
    var queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead."
    );
    function coerceNumberOrDefault(value, defaultValue) {
      if (typeof value === "number") {
        return Number.isFinite(value) ? value : defaultValue;
      }
      if (typeof value === "string" && value.trim() !== "") {
        const n = Number(value);
        return Number.isFinite(n) ? n : defaultValue;
      }
      return defaultValue;
    }
    var Client2 = class extends EventEmitter {
      constructor(config) {
        super();
        this.connectionParameters = new ConnectionParameters(config);
        this.user = this.connectionParameters.user;
        this.database = this.connectionParameters.database;
        this.port = this.connectionParameters.port;
        this.host = this.connectionParameters.host;
        Object.defineProperty(this, "password", {
          configurable: true,
          enumerable: false,
          writable: true,
          value: this.connectionParameters.password
        });
        this.replication = this.connectionParameters.replication;
        const c = config || {};
        if (c.Promise) {
          byoPromiseDeprecationNotice();
        }
        this._Promise = c.Promise || global.Promise;
        this._types = new TypeOverrides2(c.types);
        this._ending = false;
        this._ended = false;
        this._connecting = false;
        this._connected = false;
        this._connectionError = false;
        this._queryable = true;
        this._activeQuery = null;
        this._txStatus = null;
        this.enableChannelBinding = Boolean(c.enableChannelBinding);
        this.scramMaxIterations = coerceNumberOrDefault(c.scramMaxIterations, sasl.DEFAULT_MAX_SCRAM_ITERATIONS);
        this.connection = c.connection || new Connection2({
          stream: c.stream,
          ssl: this.connectionParameters.ssl,
          sslNegotiation: this.connectionParameters.sslnegotiation,
          keepAlive: c.keepAlive || false,
          keepAliveInitialDelayMillis: c.keepAliveInitialDelayMillis || 0,
          encoding: this.connectionParameters.client_encoding || "utf8"
        });
        this._queryQueue = [];
        this._sentQueryQueue = [];
        this.pipeline = Boolean(c.pipeline);
        this.binary = c.binary || defaults2.binary;
        this.processID = null;
        this.secretKey = null;
        this.ssl = this.connectionParameters.ssl || false;
        this.sslNegotiation = this.connectionParameters.sslnegotiation || "postgres";
        if (this.ssl && this.ssl.key) {
          Object.defineProperty(this.ssl, "key", {
            enumerable: false
          });
        }
        this._connectionTimeoutMillis = c.connectionTimeoutMillis || 0;
      }
      get activeQuery() {
        activeQueryDeprecationNotice();
        return this._activeQuery;
      }
      set activeQuery(val) {
        activeQueryDeprecationNotice();
        this._activeQuery = val;
      }
      _getActiveQuery() {
        return this._activeQuery;
      }
      _errorAllQueries(err) {
        const enqueueError = (query) => {
          process.nextTick(() => {
            query.handleError(err, this.connection);
          });
        };
        const activeQuery = this._getActiveQuery();
        if (activeQuery) {
          enqueueError(activeQuery);
          this._activeQuery = null;
        }
        this._sentQueryQueue.forEach(enqueueError);
        this._sentQueryQueue.length = 0;
        this._queryQueue.forEach(enqueueError);
        this._queryQueue.length = 0;
      }
      _connect(callback) {
        const self2 = this;
        const con = this.connection;
        this._connectionCallback = callback;
        if (this._connecting || this._connected) {
          const err = new Error("Client has already been connected. You cannot reuse a client.");
          process.nextTick(() => {
            callback(err);
          });
          return;
        }
        this._connecting = true;
        if (this._connectionTimeoutMillis > 0) {
          this.connectionTimeoutHandle = setTimeout(() => {
            con._ending = true;
            con.stream.destroy(new Error("timeout expired"));
          }, this._connectionTimeoutMillis);
          if (this.connectionTimeoutHandle.unref) {
            this.connectionTimeoutHandle.unref();
          }
        }
        if (this.host && this.host.indexOf("/") === 0) {
          con.connect(this.host + "/.s.PGSQL." + this.port);
        } else {
          con.connect(this.port, this.host);
        }
        con.on("connect", function() {
          if (self2.ssl) {
            if (self2.sslNegotiation !== "direct") {
              con.requestSsl();
            }
          } else {
            con.startup(self2.getStartupConf());
          }
        });
        con.on("sslconnect", function() {
          con.startup(self2.getStartupConf());
        });
        this._attachListeners(con);
        con.once("end", () => {
          const error = this._ending ? new Error("Connection terminated") : new Error("Connection terminated unexpectedly");
          clearTimeout(this.connectionTimeoutHandle);
          this._errorAllQueries(error);
          this._ended = true;
          if (!this._ending) {
            if (this._connecting && !this._connectionError) {
              if (this._connectionCallback) {
                this._connectionCallback(error);
              } else {
                this._handleErrorEvent(error);
              }
            } else if (!this._connectionError) {
              this._handleErrorEvent(error);
            }
          }
          process.nextTick(() => {
            this.emit("end");
          });
        });
      }
      connect(callback) {
        if (callback) {
          this._connect(callback);
          return;
        }
        return new this._Promise((resolve9, reject) => {
          this._connect((error) => {
            if (error) {
              reject(error);
            } else {
              resolve9(this);
            }
          });
        });
      }
      _attachListeners(con) {
        con.on("authenticationCleartextPassword", this._handleAuthCleartextPassword.bind(this));
        con.on("authenticationMD5Password", this._handleAuthMD5Password.bind(this));
        con.on("authenticationSASL", this._handleAuthSASL.bind(this));
        con.on("authenticationSASLContinue", this._handleAuthSASLContinue.bind(this));
        con.on("authenticationSASLFinal", this._handleAuthSASLFinal.bind(this));
        con.on("backendKeyData", this._handleBackendKeyData.bind(this));
        con.on("error", this._handleErrorEvent.bind(this));
        con.on("errorMessage", this._handleErrorMessage.bind(this));
        con.on("readyForQuery", this._handleReadyForQuery.bind(this));
        con.on("notice", this._handleNotice.bind(this));
        con.on("rowDescription", this._handleRowDescription.bind(this));
        con.on("dataRow", this._handleDataRow.bind(this));
        con.on("portalSuspended", this._handlePortalSuspended.bind(this));
        con.on("emptyQuery", this._handleEmptyQuery.bind(this));
        con.on("commandComplete", this._handleCommandComplete.bind(this));
        con.on("parseComplete", this._handleParseComplete.bind(this));
        con.on("copyInResponse", this._handleCopyInResponse.bind(this));
        con.on("copyData", this._handleCopyData.bind(this));
        con.on("notification", this._handleNotification.bind(this));
      }
      _getPassword(cb) {
        const con = this.connection;
        if (typeof this.password === "function") {
          this._Promise.resolve().then(() => this.password(this.connectionParameters)).then((pass) => {
            if (pass !== void 0) {
              if (typeof pass !== "string") {
                con.emit("error", new TypeError("Password must be a string"));
                return;
              }
              this.connectionParameters.password = this.password = pass;
            } else {
              this.connectionParameters.password = this.password = null;
            }
            cb();
          }).catch((err) => {
            con.emit("error", err);
          });
        } else if (this.password !== null) {
          cb();
        } else {
          try {
            const pgPass = require_lib();
            pgPass(this.connectionParameters, (pass) => {
              if (void 0 !== pass) {
                pgPassDeprecationNotice();
                this.connectionParameters.password = this.password = pass;
              }
              cb();
            });
          } catch (e) {
            this.emit("error", e);
          }
        }
      }
      _handleAuthCleartextPassword(msg) {
        this._getPassword(() => {
          this.connection.password(this.password);
        });
      }
      _handleAuthMD5Password(msg) {
        this._getPassword(async () => {
          try {
            const hashedPassword = await crypto2.postgresMd5PasswordHash(this.user, this.password, msg.salt);
            this.connection.password(hashedPassword);
          } catch (e) {
            this.emit("error", e);
          }
        });
      }
      _handleAuthSASL(msg) {
        this._getPassword(() => {
          try {
            this.saslSession = sasl.startSession(
              msg.mechanisms,
              this.enableChannelBinding && this.connection.stream,
              this.scramMaxIterations
            );
            this.connection.sendSASLInitialResponseMessage(this.saslSession.mechanism, this.saslSession.response);
          } catch (err) {
            this.connection.emit("error", err);
          }
        });
      }
      async _handleAuthSASLContinue(msg) {
        try {
          await sasl.continueSession(
            this.saslSession,
            this.password,
            msg.data,
            this.enableChannelBinding && this.connection.stream
          );
          this.connection.sendSCRAMClientFinalMessage(this.saslSession.response);
        } catch (err) {
          this.connection.emit("error", err);
        }
      }
      _handleAuthSASLFinal(msg) {
        try {
          sasl.finalizeSession(this.saslSession, msg.data);
          this.saslSession = null;
        } catch (err) {
          this.connection.emit("error", err);
        }
      }
      _handleBackendKeyData(msg) {
        this.processID = msg.processID;
        this.secretKey = msg.secretKey;
      }
      _handleReadyForQuery(msg) {
        if (this._connecting) {
          this._connecting = false;
          this._connected = true;
          clearTimeout(this.connectionTimeoutHandle);
          if (this._connectionCallback) {
            this._connectionCallback(null, this);
            this._connectionCallback = null;
          }
          this.emit("connect");
        }
        const activeQuery = this._getActiveQuery();
        this._activeQuery = null;
        this._txStatus = msg?.status ?? null;
        this.readyForQuery = true;
        if (activeQuery) {
          activeQuery.handleReadyForQuery(this.connection);
        }
        this._pulseQueryQueue();
      }
      // if we receive an error event or error message
      // during the connection process we handle it here
      _handleErrorWhileConnecting(err) {
        if (this._connectionError) {
          return;
        }
        this._connectionError = true;
        clearTimeout(this.connectionTimeoutHandle);
        if (this._connectionCallback) {
          return this._connectionCallback(err);
        }
        this.emit("error", err);
      }
      // if we're connected and we receive an error event from the connection
      // this means the socket is dead - do a hard abort of all queries and emit
      // the socket error on the client as well
      _handleErrorEvent(err) {
        if (this._connecting) {
          return this._handleErrorWhileConnecting(err);
        }
        this._queryable = false;
        this._errorAllQueries(err);
        this.emit("error", err);
      }
      // handle error messages from the postgres backend
      _handleErrorMessage(msg) {
        if (this._connecting) {
          return this._handleErrorWhileConnecting(msg);
        }
        const activeQuery = this._getActiveQuery();
        if (!activeQuery) {
          this._handleErrorEvent(msg);
          return;
        }
        this._activeQuery = null;
        if (activeQuery.name) {
          delete this.connection.submittedNamedStatements[activeQuery.name];
        }
        activeQuery.handleError(msg, this.connection);
      }
      _handleRowDescription(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected rowDescription message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleRowDescription(msg);
      }
      _handleDataRow(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected dataRow message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleDataRow(msg);
      }
      _handlePortalSuspended(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected portalSuspended message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handlePortalSuspended(this.connection);
      }
      _handleEmptyQuery(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected emptyQuery message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleEmptyQuery(this.connection);
      }
      _handleCommandComplete(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected commandComplete message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCommandComplete(msg, this.connection);
      }
      _handleParseComplete() {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected parseComplete message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        if (activeQuery.name) {
          this.connection.parsedStatements[activeQuery.name] = activeQuery.text;
          delete this.connection.submittedNamedStatements[activeQuery.name];
        }
      }
      _handleCopyInResponse(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected copyInResponse message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCopyInResponse(this.connection);
      }
      _handleCopyData(msg) {
        const activeQuery = this._getActiveQuery();
        if (activeQuery == null) {
          const error = new Error("Received unexpected copyData message from backend.");
          this._handleErrorEvent(error);
          return;
        }
        activeQuery.handleCopyData(msg, this.connection);
      }
      _handleNotification(msg) {
        this.emit("notification", msg);
      }
      _handleNotice(msg) {
        this.emit("notice", msg);
      }
      getStartupConf() {
        const params = this.connectionParameters;
        const data2 = {
          user: params.user,
          database: params.database
        };
        const appName = params.application_name || params.fallback_application_name;
        if (appName) {
          data2.application_name = appName;
        }
        if (params.replication) {
          data2.replication = "" + params.replication;
        }
        if (params.statement_timeout) {
          data2.statement_timeout = String(parseInt(params.statement_timeout, 10));
        }
        if (params.lock_timeout) {
          data2.lock_timeout = String(parseInt(params.lock_timeout, 10));
        }
        if (params.idle_in_transaction_session_timeout) {
          data2.idle_in_transaction_session_timeout = String(parseInt(params.idle_in_transaction_session_timeout, 10));
        }
        if (params.options) {
          data2.options = params.options;
        }
        return data2;
      }
      cancel(client, query) {
        if (client.activeQuery === query) {
          const con = this.connection;
          if (this.host && this.host.indexOf("/") === 0) {
            con.connect(this.host + "/.s.PGSQL." + this.port);
          } else {
            con.connect(this.port, this.host);
          }
          con.on("connect", function() {
            con.cancel(client.processID, client.secretKey);
          });
        } else if (client._queryQueue.indexOf(query) !== -1) {
          client._queryQueue.splice(client._queryQueue.indexOf(query), 1);
        } else if (client._sentQueryQueue.indexOf(query) !== -1) {
          query.callback = () => {
          };
        }
      }
      setTypeParser(oid, format, parseFn) {
        return this._types.setTypeParser(oid, format, parseFn);
      }
      getTypeParser(oid, format) {
        return this._types.getTypeParser(oid, format);
      }
      // escapeIdentifier and escapeLiteral moved to utility functions & exported
      // on PG
      // re-exported here for backwards compatibility
      escapeIdentifier(str) {
        return utils.escapeIdentifier(str);
      }
      escapeLiteral(str) {
        return utils.escapeLiteral(str);
      }
      _pulseQueryQueue() {
        if (this.pipeline) {
          this._pulsePipelinedQueryQueue();
          return;
        }
        if (this.readyForQuery === true) {
          this._activeQuery = this._queryQueue.shift();
          const activeQuery = this._getActiveQuery();
          if (activeQuery) {
            this.readyForQuery = false;
            this.hasExecuted = true;
            const queryError = activeQuery.submit(this.connection);
            if (queryError) {
              process.nextTick(() => {
                activeQuery.handleError(queryError, this.connection);
                this.readyForQuery = true;
                this._pulseQueryQueue();
              });
            }
          } else if (this.hasExecuted) {
            this._activeQuery = null;
            this.emit("drain");
          }
        }
      }
      _pulsePipelinedQueryQueue() {
        if (!this._connected || !this._queryable) {
          return;
        }
        while (this._queryQueue.length > 0) {
          const query = this._queryQueue.shift();
          this.hasExecuted = true;
          const queryError = query.submit(this.connection);
          if (queryError) {
            process.nextTick(() => {
              query.handleError(queryError, this.connection);
            });
            continue;
          }
          this._sentQueryQueue.push(query);
        }
        if (this.readyForQuery && !this._activeQuery && this._sentQueryQueue.length > 0) {
          this._activeQuery = this._sentQueryQueue.shift();
          this.readyForQuery = false;
        }
        if (!this._activeQuery && this._sentQueryQueue.length === 0 && this._queryQueue.length === 0 && this.hasExecuted) {
          this.emit("drain");
        }
      }
      query(config, values, callback) {
        let query;
        let result2;
        if (config == null) {
          throw new TypeError("Client was passed a null or undefined query");
        }
        if (typeof config.submit === "function") {
          result2 = query = config;
          if (!query.callback) {
            if (typeof values === "function") {
              query.callback = values;
            } else if (callback) {
              query.callback = callback;
            }
          }
        } else {
          query = new Query2(config, values, callback);
          if (!query.callback) {
            result2 = new this._Promise((resolve9, reject) => {
              query.callback = (err, res) => err ? reject(err) : resolve9(res);
            }).catch((err) => {
              Error.captureStackTrace(err);
              throw err;
            });
          } else if (typeof query.callback !== "function") {
            throw new TypeError("callback is not a function");
          }
        }
        const readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        if (readTimeout) {
          const queryCallback = query.callback || (() => {
          });
          const readTimeoutTimer = setTimeout(() => {
            const error = new Error("Query read timeout");
            process.nextTick(() => {
              query.handleError(error, this.connection);
            });
            queryCallback(error);
            query.callback = () => {
            };
            const index = this._queryQueue.indexOf(query);
            if (index > -1) {
              this._queryQueue.splice(index, 1);
            } else if (this.pipeline) {
              this.connection.stream.destroy();
              return;
            }
            this._pulseQueryQueue();
          }, readTimeout);
          query.callback = (err, res) => {
            clearTimeout(readTimeoutTimer);
            queryCallback(err, res);
          };
        }
        if (this.binary && !query.binary) {
          query.binary = true;
        }
        if (query._result && !query._result._types) {
          query._result._types = this._types;
        }
        if (this.pipeline) {
          const portalQuery = typeof config.submit === "function" && !(query instanceof Query2) ? "Custom query classes such as pg-cursor and pg-query-stream are" : query.rows ? "The `rows` option is" : null;
          if (portalQuery) {
            process.nextTick(() => {
              query.handleError(new Error(`${portalQuery} not supported in pipeline mode`), this.connection);
            });
            return result2;
          }
        }
        if (!this._queryable) {
          process.nextTick(() => {
            query.handleError(new Error("Client has encountered a connection error and is not queryable"), this.connection);
          });
          return result2;
        }
        if (this._ending) {
          process.nextTick(() => {
            query.handleError(new Error("Client was closed and is not queryable"), this.connection);
          });
          return result2;
        }
        if (this._queryQueue.length > 0 && !this.pipeline) {
          queryQueueLengthDeprecationNotice();
        }
        this._queryQueue.push(query);
        this._pulseQueryQueue();
        return result2;
      }
      ref() {
        this.connection.ref();
      }
      unref() {
        this.connection.unref();
      }
      getTransactionStatus() {
        return this._txStatus;
      }
      end(cb) {
        this._ending = true;
        if (!this.connection._connecting || this._ended) {
          if (cb) {
            cb();
            return;
          } else {
            return this._Promise.resolve();
          }
        }
        if (!this._queryable) {
          this.connection.stream.destroy();
        } else if (this.pipeline && (this._getActiveQuery() || this._sentQueryQueue.length > 0 || this._queryQueue.length > 0)) {
          this.once("drain", () => this.connection.end());
        } else if (this._getActiveQuery()) {
          this.connection.stream.destroy();
        } else {
          this.connection.end();
        }
        if (cb) {
          this.connection.once("end", cb);
        } else {
          return new this._Promise((resolve9) => {
            this.connection.once("end", resolve9);
          });
        }
      }
      get queryQueue() {
        queryQueueDeprecationNotice();
        return this._queryQueue;
      }
    };
    Client2.Query = Query2;
    module.exports = Client2;
  }
});

// node_modules/pg-pool/index.js
var require_pg_pool = __commonJS({
  "node_modules/pg-pool/index.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var NOOP = function() {
    };
    var removeWhere = (list2, predicate) => {
      const i = list2.findIndex(predicate);
      return i === -1 ? void 0 : list2.splice(i, 1)[0];
    };
    var IdleItem = class {
      constructor(client, idleListener, timeoutId) {
        this.client = client;
        this.idleListener = idleListener;
        this.timeoutId = timeoutId;
      }
    };
    var PendingItem = class {
      constructor(callback) {
        this.callback = callback;
      }
    };
    function throwOnDoubleRelease() {
      throw new Error("Release called on client which has already been released to the pool.");
    }
    function promisify(Promise2, callback) {
      if (callback) {
        return { callback, result: void 0 };
      }
      let rej;
      let res;
      const cb = function(err, client) {
        err ? rej(err) : res(client);
      };
      const result2 = new Promise2(function(resolve9, reject) {
        res = resolve9;
        rej = reject;
      }).catch((err) => {
        Error.captureStackTrace(err);
        throw err;
      });
      return { callback: cb, result: result2 };
    }
    function makeIdleListener(pool, client) {
      return function idleListener(err) {
        err.client = client;
        client.removeListener("error", idleListener);
        client.on("error", () => {
          pool.log("additional client error after disconnection due to error", err);
        });
        pool._remove(client);
        pool.emit("error", err, client);
      };
    }
    var Pool2 = class extends EventEmitter {
      constructor(options, Client2) {
        super();
        this.options = Object.assign({}, options);
        if (options != null && "password" in options) {
          Object.defineProperty(this.options, "password", {
            configurable: true,
            enumerable: false,
            writable: true,
            value: options.password
          });
        }
        if (options != null && options.ssl && options.ssl.key) {
          Object.defineProperty(this.options.ssl, "key", {
            enumerable: false
          });
        }
        this.options.max = this.options.max || this.options.poolSize || 10;
        this.options.min = this.options.min || 0;
        this.options.maxUses = this.options.maxUses || Infinity;
        this.options.allowExitOnIdle = this.options.allowExitOnIdle || false;
        this.options.maxLifetimeSeconds = this.options.maxLifetimeSeconds || 0;
        this.log = this.options.log || function() {
        };
        this.Client = this.options.Client || Client2 || require_lib2().Client;
        this.Promise = this.options.Promise || global.Promise;
        if (typeof this.options.idleTimeoutMillis === "undefined") {
          this.options.idleTimeoutMillis = 1e4;
        }
        this._clients = [];
        this._idle = [];
        this._expired = /* @__PURE__ */ new WeakSet();
        this._pendingQueue = [];
        this._endCallback = void 0;
        this.ending = false;
        this.ended = false;
      }
      _promiseTry(f) {
        const Promise2 = this.Promise;
        if (typeof Promise2.try === "function") {
          return Promise2.try(f);
        }
        return new Promise2((resolve9) => resolve9(f()));
      }
      _isFull() {
        return this._clients.length >= this.options.max;
      }
      _isAboveMin() {
        return this._clients.length > this.options.min;
      }
      _pulseQueue() {
        this.log("pulse queue");
        if (this.ended) {
          this.log("pulse queue ended");
          return;
        }
        if (this.ending) {
          this.log("pulse queue on ending");
          if (this._idle.length) {
            this._idle.slice().map((item) => {
              this._remove(item.client);
            });
          }
          if (!this._clients.length) {
            this.ended = true;
            this._endCallback();
          }
          return;
        }
        if (!this._pendingQueue.length) {
          this.log("no queued requests");
          return;
        }
        if (!this._idle.length && this._isFull()) {
          return;
        }
        const pendingItem = this._pendingQueue.shift();
        if (this._idle.length) {
          const idleItem = this._idle.pop();
          clearTimeout(idleItem.timeoutId);
          const client = idleItem.client;
          client.ref && client.ref();
          const idleListener = idleItem.idleListener;
          return this._acquireClient(client, pendingItem, idleListener, false);
        }
        if (!this._isFull()) {
          return this.newClient(pendingItem);
        }
        throw new Error("unexpected condition");
      }
      _remove(client, callback) {
        const removed = removeWhere(this._idle, (item) => item.client === client);
        if (removed !== void 0) {
          clearTimeout(removed.timeoutId);
        }
        this._clients = this._clients.filter((c) => c !== client);
        const context = this;
        client.end(() => {
          context.emit("remove", client);
          if (typeof callback === "function") {
            callback();
          }
        });
      }
      connect(cb) {
        if (this.ending) {
          const err = new Error("Cannot use a pool after calling end on the pool");
          return cb ? cb(err) : this.Promise.reject(err);
        }
        const response = promisify(this.Promise, cb);
        const result2 = response.result;
        if (this._isFull() || this._idle.length) {
          if (this._idle.length) {
            process.nextTick(() => this._pulseQueue());
          }
          if (!this.options.connectionTimeoutMillis) {
            this._pendingQueue.push(new PendingItem(response.callback));
            return result2;
          }
          const queueCallback = (err, res, done) => {
            clearTimeout(tid);
            response.callback(err, res, done);
          };
          const pendingItem = new PendingItem(queueCallback);
          const tid = setTimeout(() => {
            removeWhere(this._pendingQueue, (i) => i.callback === queueCallback);
            pendingItem.timedOut = true;
            response.callback(new Error("timeout exceeded when trying to connect"));
          }, this.options.connectionTimeoutMillis);
          if (tid.unref) {
            tid.unref();
          }
          this._pendingQueue.push(pendingItem);
          return result2;
        }
        this.newClient(new PendingItem(response.callback));
        return result2;
      }
      newClient(pendingItem) {
        const client = new this.Client(this.options);
        this._clients.push(client);
        const idleListener = makeIdleListener(this, client);
        this.log("checking client timeout");
        let tid;
        let timeoutHit = false;
        if (this.options.connectionTimeoutMillis) {
          tid = setTimeout(() => {
            if (client.connection) {
              this.log("ending client due to timeout");
              timeoutHit = true;
              client.connection.stream.destroy();
            } else if (!client.isConnected()) {
              this.log("ending client due to timeout");
              timeoutHit = true;
              client.end();
            }
          }, this.options.connectionTimeoutMillis);
        }
        this.log("connecting new client");
        client.connect((err) => {
          if (tid) {
            clearTimeout(tid);
          }
          client.on("error", idleListener);
          if (err) {
            this.log("client failed to connect", err);
            this._clients = this._clients.filter((c) => c !== client);
            if (timeoutHit) {
              err = new Error("Connection terminated due to connection timeout", { cause: err });
            }
            this._pulseQueue();
            if (!pendingItem.timedOut) {
              pendingItem.callback(err, void 0, NOOP);
            }
          } else {
            this.log("new client connected");
            if (this.options.onConnect) {
              this._promiseTry(() => this.options.onConnect(client)).then(
                () => {
                  this._afterConnect(client, pendingItem, idleListener);
                },
                (hookErr) => {
                  this._clients = this._clients.filter((c) => c !== client);
                  client.end(() => {
                    this._pulseQueue();
                    if (!pendingItem.timedOut) {
                      pendingItem.callback(hookErr, void 0, NOOP);
                    }
                  });
                }
              );
              return;
            }
            return this._afterConnect(client, pendingItem, idleListener);
          }
        });
      }
      _afterConnect(client, pendingItem, idleListener) {
        if (this.options.maxLifetimeSeconds !== 0) {
          const maxLifetimeTimeout = setTimeout(() => {
            this.log("ending client due to expired lifetime");
            this._expired.add(client);
            const idleIndex = this._idle.findIndex((idleItem) => idleItem.client === client);
            if (idleIndex !== -1) {
              this._acquireClient(
                client,
                new PendingItem((err, client2, clientRelease) => clientRelease()),
                idleListener,
                false
              );
            }
          }, this.options.maxLifetimeSeconds * 1e3);
          maxLifetimeTimeout.unref();
          client.once("end", () => clearTimeout(maxLifetimeTimeout));
        }
        return this._acquireClient(client, pendingItem, idleListener, true);
      }
      // acquire a client for a pending work item
      _acquireClient(client, pendingItem, idleListener, isNew) {
        if (isNew) {
          this.emit("connect", client);
        }
        this.emit("acquire", client);
        client.release = this._releaseOnce(client, idleListener);
        client.removeListener("error", idleListener);
        if (!pendingItem.timedOut) {
          if (isNew && this.options.verify) {
            this.options.verify(client, (err) => {
              if (err) {
                client.release(err);
                return pendingItem.callback(err, void 0, NOOP);
              }
              pendingItem.callback(void 0, client, client.release);
            });
          } else {
            pendingItem.callback(void 0, client, client.release);
          }
        } else {
          if (isNew && this.options.verify) {
            this.options.verify(client, client.release);
          } else {
            client.release();
          }
        }
      }
      // returns a function that wraps _release and throws if called more than once
      _releaseOnce(client, idleListener) {
        let released = false;
        return (err) => {
          if (released) {
            throwOnDoubleRelease();
          }
          released = true;
          this._release(client, idleListener, err);
        };
      }
      // release a client back to the poll, include an error
      // to remove it from the pool
      _release(client, idleListener, err) {
        client.on("error", idleListener);
        client._poolUseCount = (client._poolUseCount || 0) + 1;
        this.emit("release", err, client);
        if (err || this.ending || !client._queryable || client._ending || client._poolUseCount >= this.options.maxUses) {
          if (client._poolUseCount >= this.options.maxUses) {
            this.log("remove expended client");
          }
          return this._remove(client, this._pulseQueue.bind(this));
        }
        const isExpired = this._expired.has(client);
        if (isExpired) {
          this.log("remove expired client");
          this._expired.delete(client);
          return this._remove(client, this._pulseQueue.bind(this));
        }
        let tid;
        if (this.options.idleTimeoutMillis && this._isAboveMin()) {
          tid = setTimeout(() => {
            if (this._isAboveMin()) {
              this.log("remove idle client");
              this._remove(client, this._pulseQueue.bind(this));
            }
          }, this.options.idleTimeoutMillis);
          if (this.options.allowExitOnIdle) {
            tid.unref();
          }
        }
        if (this.options.allowExitOnIdle) {
          client.unref();
        }
        this._idle.push(new IdleItem(client, idleListener, tid));
        this._pulseQueue();
      }
      query(text2, values, cb) {
        if (typeof text2 === "function") {
          const response2 = promisify(this.Promise, text2);
          setImmediate(function() {
            return response2.callback(new Error("Passing a function as the first parameter to pool.query is not supported"));
          });
          return response2.result;
        }
        if (typeof values === "function") {
          cb = values;
          values = void 0;
        }
        const response = promisify(this.Promise, cb);
        cb = response.callback;
        this.connect((err, client) => {
          if (err) {
            return cb(err);
          }
          let clientReleased = false;
          const onError = (err2) => {
            if (clientReleased) {
              return;
            }
            clientReleased = true;
            client.release(err2);
            cb(err2);
          };
          client.once("error", onError);
          this.log("dispatching query");
          try {
            client.query(text2, values, (err2, res) => {
              this.log("query dispatched");
              client.removeListener("error", onError);
              if (clientReleased) {
                return;
              }
              clientReleased = true;
              client.release(err2);
              if (err2) {
                return cb(err2);
              }
              return cb(void 0, res);
            });
          } catch (err2) {
            client.release(err2);
            return cb(err2);
          }
        });
        return response.result;
      }
      end(cb) {
        this.log("ending");
        if (this.ending) {
          const err = new Error("Called end on pool more than once");
          return cb ? cb(err) : this.Promise.reject(err);
        }
        this.ending = true;
        const promised = promisify(this.Promise, cb);
        this._endCallback = promised.callback;
        this._pulseQueue();
        return promised.result;
      }
      get waitingCount() {
        return this._pendingQueue.length;
      }
      get idleCount() {
        return this._idle.length;
      }
      get expiredCount() {
        return this._clients.reduce((acc, client) => acc + (this._expired.has(client) ? 1 : 0), 0);
      }
      get totalCount() {
        return this._clients.length;
      }
    };
    module.exports = Pool2;
  }
});

// node_modules/pg/lib/native/query.js
var require_query2 = __commonJS({
  "node_modules/pg/lib/native/query.js"(exports, module) {
    "use strict";
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var utils = require_utils();
    var NativeQuery = module.exports = function(config, values, callback) {
      EventEmitter.call(this);
      config = utils.normalizeQueryConfig(config, values, callback);
      this.text = config.text;
      this.values = config.values;
      this.name = config.name;
      this.queryMode = config.queryMode;
      this.callback = config.callback;
      this.state = "new";
      this._arrayMode = config.rowMode === "array";
      this._emitRowEvents = false;
      this.on(
        "newListener",
        function(event) {
          if (event === "row") this._emitRowEvents = true;
        }.bind(this)
      );
    };
    util.inherits(NativeQuery, EventEmitter);
    var errorFieldMap = {
      sqlState: "code",
      statementPosition: "position",
      messagePrimary: "message",
      messageDetail: "detail",
      messageHint: "hint",
      context: "where",
      schemaName: "schema",
      tableName: "table",
      columnName: "column",
      dataTypeName: "dataType",
      constraintName: "constraint",
      sourceFile: "file",
      sourceLine: "line",
      sourceFunction: "routine"
    };
    NativeQuery.prototype.handleError = function(err) {
      const fields = this.native && this.native.pq.resultErrorFields();
      if (fields) {
        for (const key in fields) {
          const normalizedFieldName = errorFieldMap[key] || key;
          err[normalizedFieldName] = fields[key];
        }
      }
      if (this.callback) {
        this.callback(err);
      } else {
        this.emit("error", err);
      }
      this.state = "error";
    };
    NativeQuery.prototype.then = function(onSuccess, onFailure) {
      return this._getPromise().then(onSuccess, onFailure);
    };
    NativeQuery.prototype.catch = function(callback) {
      return this._getPromise().catch(callback);
    };
    NativeQuery.prototype._getPromise = function() {
      if (this._promise) return this._promise;
      this._promise = new Promise(
        function(resolve9, reject) {
          this._once("end", resolve9);
          this._once("error", reject);
        }.bind(this)
      );
      return this._promise;
    };
    NativeQuery.prototype.submit = function(client) {
      this.state = "running";
      const self2 = this;
      this.native = client.native;
      client.native.arrayMode = this._arrayMode;
      let after = function(err, rows, results) {
        client.native.arrayMode = false;
        setImmediate(function() {
          self2.emit("_done");
        });
        if (err) {
          return self2.handleError(err);
        }
        if (self2._emitRowEvents) {
          if (results.length > 1) {
            rows.forEach((rowOfRows, i) => {
              rowOfRows.forEach((row) => {
                self2.emit("row", row, results[i]);
              });
            });
          } else {
            rows.forEach(function(row) {
              self2.emit("row", row, results);
            });
          }
        }
        self2.state = "end";
        self2.emit("end", results);
        if (self2.callback) {
          self2.callback(null, results);
        }
      };
      if (process.domain) {
        after = process.domain.bind(after);
      }
      if (this.name) {
        if (this.name.length > 63) {
          console.error("Warning! Postgres only supports 63 characters for query names.");
          console.error("You supplied %s (%s)", this.name, this.name.length);
          console.error("This can cause conflicts and silent errors executing queries");
        }
        const values = (this.values || []).map(utils.prepareValue);
        if (client.namedQueries[this.name] !== void 0) {
          if (this.text && client.namedQueries[this.name] !== this.text) {
            const err = new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`);
            return after(err);
          }
          return client.native.execute(this.name, values, after);
        }
        return client.native.prepare(this.name, this.text, values.length, function(err) {
          if (err) return after(err);
          client.namedQueries[self2.name] = self2.text;
          return self2.native.execute(self2.name, values, after);
        });
      } else if (this.values) {
        if (!Array.isArray(this.values)) {
          const err = new Error("Query values must be an array");
          return after(err);
        }
        const vals = this.values.map(utils.prepareValue);
        client.native.query(this.text, vals, after);
      } else if (this.queryMode === "extended") {
        client.native.query(this.text, [], after);
      } else {
        client.native.query(this.text, after);
      }
    };
  }
});

// node_modules/pg/lib/native/client.js
var require_client2 = __commonJS({
  "node_modules/pg/lib/native/client.js"(exports, module) {
    var nodeUtils = __require("util");
    var Native;
    try {
      Native = __require("pg-native");
    } catch (e) {
      throw e;
    }
    var TypeOverrides2 = require_type_overrides();
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var ConnectionParameters = require_connection_parameters();
    var NativeQuery = require_query2();
    var queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
      () => {
      },
      "Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead."
    );
    var Client2 = module.exports = function(config) {
      EventEmitter.call(this);
      config = config || {};
      this._Promise = config.Promise || global.Promise;
      this._types = new TypeOverrides2(config.types);
      this.native = new Native({
        types: this._types
      });
      this._queryQueue = [];
      this._ending = false;
      this._connecting = false;
      this._connected = false;
      this._queryable = true;
      this.pipeline = Boolean(config.pipeline);
      this._pipelineInFlight = false;
      const cp = this.connectionParameters = new ConnectionParameters(config);
      if (config.nativeConnectionString) cp.nativeConnectionString = config.nativeConnectionString;
      this.user = cp.user;
      Object.defineProperty(this, "password", {
        configurable: true,
        enumerable: false,
        writable: true,
        value: cp.password
      });
      this.database = cp.database;
      this.host = cp.host;
      this.port = cp.port;
      this.namedQueries = {};
    };
    Client2.Query = NativeQuery;
    util.inherits(Client2, EventEmitter);
    Client2.prototype._errorAllQueries = function(err) {
      const enqueueError = (query) => {
        process.nextTick(() => {
          query.native = this.native;
          query.handleError(err);
        });
      };
      if (this._hasActiveQuery()) {
        enqueueError(this._activeQuery);
        this._activeQuery = null;
      }
      this._queryQueue.forEach(enqueueError);
      this._queryQueue.length = 0;
    };
    Client2.prototype._connect = function(cb) {
      const self2 = this;
      if (this._connecting) {
        process.nextTick(() => cb(new Error("Client has already been connected. You cannot reuse a client.")));
        return;
      }
      this._connecting = true;
      this.connectionParameters.getLibpqConnectionString(function(err, conString) {
        if (self2.connectionParameters.nativeConnectionString) conString = self2.connectionParameters.nativeConnectionString;
        if (err) return cb(err);
        self2.native.connect(conString, function(err2) {
          if (err2) {
            self2.native.end();
            return cb(err2);
          }
          self2._connected = true;
          self2.native.on("error", function(err3) {
            self2._queryable = false;
            self2._errorAllQueries(err3);
            self2.emit("error", err3);
          });
          self2.native.on("notification", function(msg) {
            self2.emit("notification", {
              channel: msg.relname,
              payload: msg.extra
            });
          });
          self2.emit("connect");
          self2._pulseQueryQueue(true);
          cb(null, this);
        });
      });
    };
    Client2.prototype.connect = function(callback) {
      if (callback) {
        this._connect(callback);
        return;
      }
      return new this._Promise((resolve9, reject) => {
        this._connect((error) => {
          if (error) {
            reject(error);
          } else {
            resolve9(this);
          }
        });
      });
    };
    Client2.prototype.query = function(config, values, callback) {
      let query;
      let result2;
      let readTimeout;
      let readTimeoutTimer;
      let queryCallback;
      if (config === null || config === void 0) {
        throw new TypeError("Client was passed a null or undefined query");
      } else if (typeof config.submit === "function") {
        readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        result2 = query = config;
        if (typeof values === "function") {
          config.callback = values;
        }
      } else {
        readTimeout = config.query_timeout || this.connectionParameters.query_timeout;
        query = new NativeQuery(config, values, callback);
        if (!query.callback) {
          let resolveOut, rejectOut;
          result2 = new this._Promise((resolve9, reject) => {
            resolveOut = resolve9;
            rejectOut = reject;
          }).catch((err) => {
            Error.captureStackTrace(err);
            throw err;
          });
          query.callback = (err, res) => err ? rejectOut(err) : resolveOut(res);
        }
      }
      if (readTimeout) {
        queryCallback = query.callback || (() => {
        });
        readTimeoutTimer = setTimeout(() => {
          const error = new Error("Query read timeout");
          process.nextTick(() => {
            query.handleError(error, this.connection);
          });
          queryCallback(error);
          query.callback = () => {
          };
          const index = this._queryQueue.indexOf(query);
          if (index > -1) {
            this._queryQueue.splice(index, 1);
          }
          this._pulseQueryQueue();
        }, readTimeout);
        query.callback = (err, res) => {
          clearTimeout(readTimeoutTimer);
          queryCallback(err, res);
        };
      }
      if (!this._queryable) {
        query.native = this.native;
        process.nextTick(() => {
          query.handleError(new Error("Client has encountered a connection error and is not queryable"));
        });
        return result2;
      }
      if (this._ending) {
        query.native = this.native;
        process.nextTick(() => {
          query.handleError(new Error("Client was closed and is not queryable"));
        });
        return result2;
      }
      if (this._queryQueue.length > 0 && !this.pipeline) {
        queryQueueLengthDeprecationNotice();
      }
      this._queryQueue.push(query);
      this._pulseQueryQueue();
      return result2;
    };
    Client2.prototype.end = function(cb) {
      const self2 = this;
      this._ending = true;
      if (this._connecting && !this._connected) {
        this.once("connect", () => {
          this.end(() => {
          });
        });
      }
      let result2;
      if (!cb) {
        result2 = new this._Promise(function(resolve9, reject) {
          cb = (err) => err ? reject(err) : resolve9();
        });
      }
      const doEnd = function() {
        self2.native.end(function() {
          self2._connected = false;
          self2._errorAllQueries(new Error("Connection terminated"));
          process.nextTick(() => {
            self2.emit("end");
            if (cb) cb();
          });
        });
      };
      if (this.pipeline && (this._pipelineInFlight || this._queryQueue.length > 0)) {
        this.once("drain", doEnd);
      } else {
        doEnd();
      }
      return result2;
    };
    Client2.prototype._hasActiveQuery = function() {
      return this._activeQuery && this._activeQuery.state !== "error" && this._activeQuery.state !== "end";
    };
    Client2.prototype._pulseQueryQueue = function(initialConnection) {
      if (!this._connected) {
        return;
      }
      if (this.pipeline && !initialConnection) {
        return this._pulsePipelinedQueryQueue();
      }
      if (this._hasActiveQuery()) {
        return;
      }
      const query = this._queryQueue.shift();
      if (!query) {
        if (!initialConnection) {
          this.emit("drain");
        }
        return;
      }
      this._activeQuery = query;
      query.submit(this);
      const self2 = this;
      query.once("_done", function() {
        self2._pulseQueryQueue();
      });
    };
    Client2.prototype._pulsePipelinedQueryQueue = function() {
      if (!this._connected || this._pipelineInFlight) {
        return;
      }
      if (this._queryQueue.length === 0) {
        if (this.hasExecuted) {
          this.emit("drain");
        }
        return;
      }
      this._pipelineInFlight = true;
      const self2 = this;
      const queries = [];
      const nativeQueries = [];
      const utils = require_utils();
      while (this._queryQueue.length > 0) {
        const query = this._queryQueue.shift();
        this.hasExecuted = true;
        nativeQueries.push(query);
        const values = query.values ? query.values.map(utils.prepareValue) : null;
        const pipelineEntry = { text: query.text, name: query.name, arrayMode: query._arrayMode };
        if (values) {
          pipelineEntry.values = values;
        }
        if (query.name && this.namedQueries[query.name]) {
          pipelineEntry._alreadyPrepared = true;
        }
        queries.push(pipelineEntry);
      }
      this.native.pipeline(queries, function(err, results) {
        self2._pipelineInFlight = false;
        if (err) {
          self2._connected = false;
          self2._queryable = false;
          for (let i = 0; i < nativeQueries.length; i++) {
            const q = nativeQueries[i];
            q.native = self2.native;
            q.handleError(err);
          }
          self2._errorAllQueries(err);
          self2.emit("error", err);
          self2.emit("end");
          return;
        }
        for (let i = 0; i < nativeQueries.length; i++) {
          const q = nativeQueries[i];
          const r = results[i];
          q.native = self2.native;
          if (r.err) {
            q.handleError(r.err);
          } else {
            if (q.name) {
              self2.namedQueries[q.name] = q.text;
            }
            q.state = "end";
            q.emit("end", r.result);
            if (q.callback) {
              q.callback(null, r.result);
            }
          }
          setImmediate(function() {
            q.emit("_done");
          });
        }
        self2._pulsePipelinedQueryQueue();
      });
    };
    Client2.prototype.cancel = function(query) {
      if (this._activeQuery === query) {
        this.native.cancel(function() {
        });
      } else if (this._queryQueue.indexOf(query) !== -1) {
        this._queryQueue.splice(this._queryQueue.indexOf(query), 1);
      }
    };
    Client2.prototype.ref = function() {
    };
    Client2.prototype.unref = function() {
    };
    Client2.prototype.setTypeParser = function(oid, format, parseFn) {
      return this._types.setTypeParser(oid, format, parseFn);
    };
    Client2.prototype.getTypeParser = function(oid, format) {
      return this._types.getTypeParser(oid, format);
    };
    Client2.prototype.isConnected = function() {
      return this._connected;
    };
    Client2.prototype.getTransactionStatus = function() {
      return this.native.getTransactionStatus();
    };
  }
});

// node_modules/pg/lib/native/index.js
var require_native = __commonJS({
  "node_modules/pg/lib/native/index.js"(exports, module) {
    "use strict";
    module.exports = require_client2();
  }
});

// node_modules/pg/lib/index.js
var require_lib2 = __commonJS({
  "node_modules/pg/lib/index.js"(exports, module) {
    "use strict";
    var Client2 = require_client();
    var defaults2 = require_defaults();
    var Connection2 = require_connection();
    var Result2 = require_result();
    var utils = require_utils();
    var Pool2 = require_pg_pool();
    var TypeOverrides2 = require_type_overrides();
    var { DatabaseError: DatabaseError2 } = require_dist();
    var { escapeIdentifier: escapeIdentifier2, escapeLiteral: escapeLiteral2 } = require_utils();
    var poolFactory = (Client3) => {
      return class BoundPool extends Pool2 {
        constructor(options) {
          super(options, Client3);
        }
      };
    };
    var PG = function(clientConstructor2) {
      this.defaults = defaults2;
      this.Client = clientConstructor2;
      this.Query = this.Client.Query;
      this.Pool = poolFactory(this.Client);
      this._pools = [];
      this.Connection = Connection2;
      this.types = require_pg_types();
      this.DatabaseError = DatabaseError2;
      this.TypeOverrides = TypeOverrides2;
      this.escapeIdentifier = escapeIdentifier2;
      this.escapeLiteral = escapeLiteral2;
      this.Result = Result2;
      this.utils = utils;
    };
    var clientConstructor = Client2;
    var forceNative = false;
    try {
      forceNative = !!process.env.NODE_PG_FORCE_NATIVE;
    } catch {
    }
    if (forceNative) {
      clientConstructor = require_native();
    }
    module.exports = new PG(clientConstructor);
    Object.defineProperty(module.exports, "native", {
      configurable: true,
      enumerable: false,
      get() {
        let native = null;
        try {
          native = new PG(require_native());
        } catch (err) {
          if (err.code !== "MODULE_NOT_FOUND") {
            throw err;
          }
        }
        Object.defineProperty(module.exports, "native", {
          value: native
        });
        return native;
      }
    });
  }
});

// node_modules/pg/esm/index.mjs
var esm_exports = {};
__export(esm_exports, {
  Client: () => Client,
  Connection: () => Connection,
  DatabaseError: () => DatabaseError,
  Pool: () => Pool,
  Query: () => Query,
  Result: () => Result,
  TypeOverrides: () => TypeOverrides,
  default: () => esm_default,
  defaults: () => defaults,
  escapeIdentifier: () => escapeIdentifier,
  escapeLiteral: () => escapeLiteral,
  types: () => types
});
var import_lib, Client, Pool, Connection, types, Query, DatabaseError, escapeIdentifier, escapeLiteral, Result, TypeOverrides, defaults, esm_default;
var init_esm = __esm({
  "node_modules/pg/esm/index.mjs"() {
    import_lib = __toESM(require_lib2(), 1);
    Client = import_lib.default.Client;
    Pool = import_lib.default.Pool;
    Connection = import_lib.default.Connection;
    types = import_lib.default.types;
    Query = import_lib.default.Query;
    DatabaseError = import_lib.default.DatabaseError;
    escapeIdentifier = import_lib.default.escapeIdentifier;
    escapeLiteral = import_lib.default.escapeLiteral;
    Result = import_lib.default.Result;
    TypeOverrides = import_lib.default.TypeOverrides;
    defaults = import_lib.default.defaults;
    esm_default = import_lib.default;
  }
});

// node_modules/picocolors/picocolors.js
var require_picocolors = __commonJS({
  "node_modules/picocolors/picocolors.js"(exports, module) {
    var p = process || {};
    var argv = p.argv || [];
    var env = p.env || {};
    var isColorSupported = !(!!env.NO_COLOR || argv.includes("--no-color")) && (!!env.FORCE_COLOR || argv.includes("--color") || p.platform === "win32" || (p.stdout || {}).isTTY && env.TERM !== "dumb" || !!env.CI);
    var formatter = (open2, close2, replace = open2) => (input) => {
      let string = "" + input, index = string.indexOf(close2, open2.length);
      return ~index ? open2 + replaceClose(string, close2, replace, index) + close2 : open2 + string + close2;
    };
    var replaceClose = (string, close2, replace, index) => {
      let result2 = "", cursor = 0;
      do {
        result2 += string.substring(cursor, index) + replace;
        cursor = index + close2.length;
        index = string.indexOf(close2, cursor);
      } while (~index);
      return result2 + string.substring(cursor);
    };
    var createColors = (enabled = isColorSupported) => {
      let f = enabled ? formatter : () => String;
      return {
        isColorSupported: enabled,
        reset: f("\x1B[0m", "\x1B[0m"),
        bold: f("\x1B[1m", "\x1B[22m", "\x1B[22m\x1B[1m"),
        dim: f("\x1B[2m", "\x1B[22m", "\x1B[22m\x1B[2m"),
        italic: f("\x1B[3m", "\x1B[23m"),
        underline: f("\x1B[4m", "\x1B[24m"),
        inverse: f("\x1B[7m", "\x1B[27m"),
        hidden: f("\x1B[8m", "\x1B[28m"),
        strikethrough: f("\x1B[9m", "\x1B[29m"),
        black: f("\x1B[30m", "\x1B[39m"),
        red: f("\x1B[31m", "\x1B[39m"),
        green: f("\x1B[32m", "\x1B[39m"),
        yellow: f("\x1B[33m", "\x1B[39m"),
        blue: f("\x1B[34m", "\x1B[39m"),
        magenta: f("\x1B[35m", "\x1B[39m"),
        cyan: f("\x1B[36m", "\x1B[39m"),
        white: f("\x1B[37m", "\x1B[39m"),
        gray: f("\x1B[90m", "\x1B[39m"),
        bgBlack: f("\x1B[40m", "\x1B[49m"),
        bgRed: f("\x1B[41m", "\x1B[49m"),
        bgGreen: f("\x1B[42m", "\x1B[49m"),
        bgYellow: f("\x1B[43m", "\x1B[49m"),
        bgBlue: f("\x1B[44m", "\x1B[49m"),
        bgMagenta: f("\x1B[45m", "\x1B[49m"),
        bgCyan: f("\x1B[46m", "\x1B[49m"),
        bgWhite: f("\x1B[47m", "\x1B[49m"),
        blackBright: f("\x1B[90m", "\x1B[39m"),
        redBright: f("\x1B[91m", "\x1B[39m"),
        greenBright: f("\x1B[92m", "\x1B[39m"),
        yellowBright: f("\x1B[93m", "\x1B[39m"),
        blueBright: f("\x1B[94m", "\x1B[39m"),
        magentaBright: f("\x1B[95m", "\x1B[39m"),
        cyanBright: f("\x1B[96m", "\x1B[39m"),
        whiteBright: f("\x1B[97m", "\x1B[39m"),
        bgBlackBright: f("\x1B[100m", "\x1B[49m"),
        bgRedBright: f("\x1B[101m", "\x1B[49m"),
        bgGreenBright: f("\x1B[102m", "\x1B[49m"),
        bgYellowBright: f("\x1B[103m", "\x1B[49m"),
        bgBlueBright: f("\x1B[104m", "\x1B[49m"),
        bgMagentaBright: f("\x1B[105m", "\x1B[49m"),
        bgCyanBright: f("\x1B[106m", "\x1B[49m"),
        bgWhiteBright: f("\x1B[107m", "\x1B[49m")
      };
    };
    module.exports = createColors();
    module.exports.createColors = createColors;
  }
});

// node_modules/commander/esm.mjs
var import_index = __toESM(require_commander(), 1);
var {
  program,
  createCommand,
  createArgument,
  createOption,
  CommanderError,
  InvalidArgumentError,
  InvalidOptionArgumentError,
  // deprecated old name
  Command,
  Argument,
  Option,
  Help
} = import_index.default;

// src/common/errors.ts
var UsageError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};

// src/common/version.ts
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
function packageVersion() {
  if (true) return "0.1.0";
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));
  return pkg.version;
}

// src/schema/schema.ts
function relationKey(schema, name) {
  return schema && schema !== "public" ? `${schema}.${name}` : name;
}
var Schema = class {
  tables = /* @__PURE__ */ new Map();
  indexes = /* @__PURE__ */ new Map();
  enums = /* @__PURE__ */ new Map();
  /** Domains with a CHECK constraint (by relationKey): a column of one added to a table is checked row by row. */
  checkedDomains = /* @__PURE__ */ new Set();
  /** Extended statistics (by relationKey) and the table each is on. */
  statistics = /* @__PURE__ */ new Map();
  /** A copy of everything, for a transaction that may be rolled back (one structured clone keeps the cross-references). */
  snapshot() {
    return structuredClone({ tables: this.tables, indexes: this.indexes, enums: this.enums, checkedDomains: this.checkedDomains, statistics: this.statistics });
  }
  restore(snapshot) {
    ({ tables: this.tables, indexes: this.indexes, enums: this.enums, checkedDomains: this.checkedDomains, statistics: this.statistics } = snapshot);
  }
  addStatistics(ref, table2) {
    this.statistics.set(relationKey(ref.schema, ref.name), table2);
  }
  /** The table extended statistics are on (as the script created them), removed with `drop`. */
  statisticsTable(ref, drop = false) {
    const key = relationKey(ref.schema, ref.name);
    const table2 = this.statistics.get(key);
    if (drop) this.statistics.delete(key);
    return table2;
  }
  addCheckedDomain(ref) {
    this.checkedDomains.add(relationKey(ref.schema, ref.name));
  }
  /** Whether the type is a domain with a CHECK constraint (as the script declared it). */
  isCheckedDomain(ref) {
    return this.checkedDomains.has(relationKey(ref.schema, ref.name));
  }
  table(ref) {
    return this.tables.get(relationKey(ref.schema, ref.name));
  }
  /** The table, or a placeholder for one that existed before the script (not declared by it). */
  tableOrAssumed(ref) {
    const existing = this.table(ref);
    if (existing) return existing;
    const table2 = newTable(ref.schema, ref.name, "table", null, false);
    this.tables.set(relationKey(ref.schema, ref.name), table2);
    return table2;
  }
  addTable(ref, kind, createdIn) {
    const table2 = newTable(ref.schema, ref.name, kind, createdIn, true);
    const previous = this.table(ref);
    if (previous) this.dropTable(previous);
    this.tables.set(relationKey(ref.schema, ref.name), table2);
    return table2;
  }
  dropTable(table2) {
    table2.dropped = true;
    this.tables.delete(relationKey(table2.schema, table2.name));
    for (const index of table2.indexes) this.indexes.delete(relationKey(index.schema, index.name));
    for (const constraint of table2.constraints.values()) constraint.references?.referencedBy.delete(table2);
    for (const referencing of table2.referencedBy) {
      for (const [name, c] of referencing.constraints) if (c.references === table2) referencing.constraints.delete(name);
    }
    table2.partitionOf?.partitions.delete(table2);
    for (const parent of table2.inheritsFrom) parent.inheritors.delete(table2);
    for (const child of table2.inheritors) child.inheritsFrom.delete(table2);
  }
  /** RENAME TO (a new name) and SET SCHEMA (a new schema). */
  relocateTable(table2, to) {
    this.tables.delete(relationKey(table2.schema, table2.name));
    if (to.schema !== void 0) table2.schema = to.schema;
    if (to.name !== void 0) table2.name = to.name;
    this.tables.set(relationKey(table2.schema, table2.name), table2);
  }
  index(ref) {
    return this.indexes.get(relationKey(ref.schema, ref.name));
  }
  /** Adds the index; one of the same name is replaced, on its table too (a table's index list must not grow with every re-creation). */
  addIndex(index) {
    const key = relationKey(index.schema, index.name);
    const replaced = this.indexes.get(key);
    if (replaced) replaced.table?.indexes.delete(replaced);
    this.indexes.set(key, index);
    index.table?.indexes.add(index);
  }
  dropIndex(index) {
    this.indexes.delete(relationKey(index.schema, index.name));
    index.table?.indexes.delete(index);
  }
  renameIndex(index, newName) {
    this.indexes.delete(relationKey(index.schema, index.name));
    index.name = newName;
    this.indexes.set(relationKey(index.schema, index.name), index);
  }
  addConstraint(table2, constraint) {
    table2.constraints.set(constraint.name, constraint);
    constraint.references?.referencedBy.add(table2);
  }
  dropConstraint(table2, constraint) {
    table2.constraints.delete(constraint.name);
    if (constraint.references && ![...table2.constraints.values()].some((c) => c.references === constraint.references)) {
      constraint.references.referencedBy.delete(table2);
    }
    for (const index of table2.indexes) if (index.constraint === constraint.name) this.dropIndex(index);
  }
  /** Tables with a column of the named type (a domain, say); only domain changes ask, so a scan is fine. */
  /** The views and materialized views that read `table`, and those that read them (each once): DROP ... CASCADE drops them. */
  dependentViews(table2) {
    const found = /* @__PURE__ */ new Set();
    const walk2 = (t) => {
      for (const view of this.tables.values())
        if (view.readsFrom.includes(t) && !found.has(view)) {
          found.add(view);
          walk2(view);
        }
    };
    walk2(table2);
    return [...found];
  }
  /** The tables, views and materialized views of a schema (`public` for the unqualified). */
  /** The views DROP COLUMN ... CASCADE drops: those over `table` that use `column` (or `*`), and the views over them. */
  viewsUsingColumn(table2, column2) {
    const direct = [...this.tables.values()].filter((v) => v.readsFrom.includes(table2) && (v.viewColumns === null || v.viewColumns.includes(column2)));
    return [...new Set(direct.flatMap((v) => [v, ...this.dependentViews(v)]))];
  }
  /** The tables with a column whose default draws from the sequence (by name). */
  tablesUsingSequence(name) {
    return [...this.tables.values()].filter((t) => [...t.columns.values()].some((c) => c.sequences?.includes(name)));
  }
  tablesInSchema(name) {
    return [...this.tables.values()].filter((t) => (t.schema ?? "public") === name);
  }
  tablesUsingType(type) {
    return [...this.tables.values()].filter(
      (t) => [...t.columns.values()].some((c) => c.type?.name === type.name && (type.schema === null || c.type.schema === type.schema))
    );
  }
  enumType(schema, name) {
    return this.enums.get(relationKey(schema, name));
  }
  addEnum(type) {
    this.enums.set(relationKey(type.schema, type.name), type);
  }
  dropEnum(schema, name) {
    this.enums.delete(relationKey(schema, name));
  }
};
function newTable(schema, name, kind, createdIn, declared) {
  return {
    schema,
    name,
    kind,
    declared,
    createdIn,
    unlogged: false,
    customStorage: false,
    columns: /* @__PURE__ */ new Map(),
    constraints: /* @__PURE__ */ new Map(),
    indexes: /* @__PURE__ */ new Set(),
    referencedBy: /* @__PURE__ */ new Set(),
    partitionOf: null,
    partitions: /* @__PURE__ */ new Set(),
    isDefaultPartition: false,
    partitionKey: [],
    inheritors: /* @__PURE__ */ new Set(),
    inheritsFrom: /* @__PURE__ */ new Set(),
    objects: /* @__PURE__ */ new Set(),
    viewColumns: null,
    readsFrom: [],
    dropped: false
  };
}
function hasIndexLeadingWith(table2, columns) {
  for (const index of table2.indexes) {
    if (index.columns.length < columns.length) continue;
    if (columns.every((c) => isAmongFirst(index.columns, c, columns.length))) return true;
  }
  return false;
}
function isAmongFirst(columns, column2, count2) {
  const at2 = columns.indexOf(column2);
  return at2 >= 0 && at2 < count2;
}
function defaultConstraintName(table2, columns, kind) {
  switch (kind) {
    case "primary-key":
      return `${table2}_pkey`;
    case "foreign-key":
      return `${table2}_${columns.join("_")}_fkey`;
    case "unique":
      return `${table2}_${columns.join("_")}_key`;
    case "exclude":
      return `${table2}_${columns.join("_")}_excl`;
    case "not-null":
      return `${table2}_${columns.join("_")}_not_null`;
    case "check":
      return `${table2}_${columns.length ? columns.join("_") : ""}_check`.replace("__", "_");
  }
}
function primaryKeyColumns(table2) {
  for (const c of table2.constraints.values()) if (c.kind === "primary-key") return c.columns;
  return [];
}
function foreignKeysOnColumn(table2, column2) {
  const referenced = /* @__PURE__ */ new Map();
  const referencing = /* @__PURE__ */ new Map();
  for (const c of table2.constraints.values()) {
    if (c.kind !== "foreign-key" || !c.references || c.references === table2 || !c.columns.includes(column2)) continue;
    referenced.set(c.references, [...referenced.get(c.references) ?? [], c]);
  }
  const primaryKey = primaryKeyColumns(table2);
  const refersTo = (c) => (c.referencedColumns?.length ? c.referencedColumns : primaryKey).includes(column2);
  for (const other of table2.referencedBy) {
    if (other === table2) continue;
    const keys = [...other.constraints.values()].filter((c) => c.kind === "foreign-key" && c.references === table2 && refersTo(c));
    if (keys.length) referencing.set(other, keys);
  }
  return { referenced, referencing };
}
function allInheritors(table2) {
  const found = /* @__PURE__ */ new Set();
  const walk2 = (t) => {
    for (const child of t.inheritors)
      if (!found.has(child)) {
        found.add(child);
        walk2(child);
      }
  };
  walk2(table2);
  return [...found];
}

// src/cost/estimate.ts
var CALIBRATED = { validate: 93e7, foreignKey: 46e7, index: 75e6, rewrite: 68e6, update: 16e4 };
var LOW = 0.5;
var HIGH = 2;
var TableSizes = class {
  constructor(stats) {
    this.stats = stats;
    for (const t of stats.tables) this.byKey.set(relationKey(t.schema, t.name), t);
  }
  stats;
  byKey = /* @__PURE__ */ new Map();
  get(key) {
    return this.byKey.get(key);
  }
};
var INDEX_BUILDING = /* @__PURE__ */ new Set(["create-index", "reindex"]);
function lockWork(lock, operations, statementLocks, sizes, throughput = CALIBRATED) {
  if (lock.kind === "index" || lock.newInTransaction) return null;
  const table2 = sizes.get(lock.key);
  if (!table2) return null;
  if (lock.rewrite && operations.every(emptiesRelation)) return { ms: 0, basis: "" };
  if (lock.rewrite) return { ms: table2.totalBytes / throughput.rewrite * 1e3, basis: `rewrite ${formatBytes(table2.totalBytes)}` };
  if (!lock.scan) return { ms: 0, basis: "" };
  if (operations.some((o) => INDEX_BUILDING.has(o.op) || buildsIndex(o))) {
    return { ms: table2.heapBytes / throughput.index * 1e3, basis: `index build over ${formatBytes(table2.heapBytes)}` };
  }
  if (operations.some((o) => o.op === "update" || o.op === "delete")) {
    const rows = Math.max(table2.reltuples, table2.liveTuples ?? 0, 0);
    return { ms: rows / throughput.update * 1e3, basis: `${formatCount(rows)} rows written` };
  }
  if (checksReferencingRows(lock, operations, statementLocks)) {
    return { ms: table2.heapBytes / throughput.foreignKey * 1e3, basis: `foreign-key check over ${formatBytes(table2.heapBytes)}` };
  }
  return { ms: table2.heapBytes / throughput.validate * 1e3, basis: `scan ${formatBytes(table2.heapBytes)}` };
}
function emptiesRelation(op) {
  return op.op === "truncate" || op.op === "refresh-materialized-view" && !op.withData;
}
function buildsIndex(op) {
  const constraints = op.op === "add-constraint" ? [op.constraint] : op.op === "add-column" ? op.column.constraints : [];
  return constraints.some((c) => (c.kind === "unique" || c.kind === "primary-key" || c.kind === "exclude") && !c.usingIndex);
}
function checksReferencingRows(lock, operations, statementLocks) {
  if (statementLocks[0] !== lock) return false;
  return operations.some(
    (o) => o.op === "add-constraint" && o.constraint.kind === "foreign-key" && !o.constraint.notValid || o.op === "validate-constraint" && statementLocks.some((other) => other !== lock && other.kind === "table" && other.scan)
  );
}
function holdRange(ownMs, laterMs, basis, laterStatements) {
  const total = ownMs + laterMs;
  return { lowMs: Math.round(total * LOW), highMs: Math.round(total * HIGH), basis, laterStatements };
}
function formatDuration(ms) {
  if (ms < 1) return "instant";
  if (ms < 1e3) return `${Math.round(ms)} ms`;
  if (ms < 6e4) return `${(ms / 1e3).toFixed(ms < 1e4 ? 1 : 0)} s`;
  if (ms < 36e5) return `${(ms / 6e4).toFixed(ms < 6e5 ? 1 : 0)} min`;
  return `${(ms / 36e5).toFixed(1)} h`;
}
function formatBytes(bytes) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}
function formatCount(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(Math.round(n));
}
function describeHold(e) {
  const range = e.highMs < 1 ? "instant" : `${formatDuration(e.lowMs)} - ${formatDuration(e.highMs)}`;
  const parts = [
    e.basis,
    e.laterStatements > 0 ? `${e.basis ? "then " : ""}${e.laterStatements} more statement${e.laterStatements === 1 ? "" : "s"}` : ""
  ].filter(Boolean);
  return `held ${range}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

// src/report/describe.ts
function describeLock(lock) {
  const parts = [`${lock.mode} on ${lock.relation}`];
  parts.push(lock.blocks.length ? `blocks ${lock.blocks.join(", ")}` : "blocks nothing but ACCESS EXCLUSIVE");
  if (lock.rewrite) parts.push(`rewrites the ${lock.kind === "index" ? "index" : "table"}`);
  else if (lock.scan) parts.push("scans the table");
  if (lock.new) parts.push(`harmless: ${lock.new}`);
  else if (!("qualitative" in lock.estimate)) parts.push(describeHold(lock.estimate));
  return parts.join(" - ");
}
function describeRevision(revision) {
  if (!revision) return null;
  const from = revision.from ?? "base";
  const to = revision.id ?? "base";
  if (revision.direction === "downgrade") return `${to} (downgrade from ${from})`;
  if (revision.direction === "stamp") return `${to} (stamp from ${from})`;
  return `${to} (upgrade from ${from})`;
}
function firstExistingLock(f) {
  return f.locks.find((l) => !l.new);
}
function describeMigration(m) {
  return `${m.file}:${m.line}${m.call ? ` (${m.call})` : ""}`;
}
function oneLine(sql, width) {
  const flat = sql.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length <= width ? flat : `${chars.slice(0, width - 1).join("")}\u2026`;
}
var HIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
function visible(text2) {
  HIDDEN.lastIndex = 0;
  if (!HIDDEN.test(text2)) return text2;
  return text2.replace(HIDDEN, (c) => {
    const code = c.charCodeAt(0);
    return code < 256 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
function visibleData(value) {
  if (typeof value === "string") return visible(value);
  if (value === null || typeof value !== "object") return value;
  let copy;
  const fields = value;
  for (const key in fields) {
    const shown = visibleData(fields[key]);
    if (shown === fields[key]) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...fields };
    copy[key] = shown;
  }
  return copy ?? value;
}
function visibleText(text2) {
  return visibleReturns(visible(text2));
}
function visibleReturns(text2) {
  return text2.replace(/\r(?!\n)/g, "\\r");
}

// src/cli/commands/alembic.ts
import { dirname as dirname6, relative as relative3, resolve as resolve8 } from "node:path";

// src/alembic/history.ts
var RevisionHistory = class {
  constructor(files) {
    this.files = files;
    for (const file of files.values()) {
      for (const down of file.downRevisions) this.children.set(down, [...this.children.get(down) ?? [], file.revision]);
    }
  }
  files;
  children = /* @__PURE__ */ new Map();
  get ids() {
    return [...this.files.keys()];
  }
  /** Revisions no other revision builds on. */
  get heads() {
    return this.ids.filter((id) => !this.children.has(id));
  }
  /**
   * What `--revision NAME` means: a revision id, a unique prefix of one, a branch label (the labelled
   * revisions and everything built on them), or `heads`.
   */
  resolve(name) {
    if (this.files.has(name)) return [name];
    if (name === "heads" || name === "head") return this.heads;
    const labelled2 = this.ids.filter((id) => this.files.get(id).branchLabels.includes(name));
    if (labelled2.length > 0) return this.withDescendants(labelled2);
    const prefixed2 = this.ids.filter((id) => id.startsWith(name));
    if (prefixed2.length === 1) return prefixed2;
    if (prefixed2.length > 1) throw new UsageError(`revision ${name} is ambiguous: ${prefixed2.sort().join(", ")} start with it`);
    throw new UsageError(`no revision ${name} in the project: give a revision id (or a unique start of one), a branch label, or heads`);
  }
  /** The revisions and every revision built on them. */
  withDescendants(roots) {
    const found = /* @__PURE__ */ new Set();
    const visit = (id) => {
      if (found.has(id)) return;
      found.add(id);
      for (const child of this.children.get(id) ?? []) visit(child);
    };
    roots.forEach(visit);
    return [...found];
  }
};

// src/alembic/migration-files.ts
import { readdirSync, readFileSync as readFileSync2, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

// src/sql/position.ts
var LineIndex = class {
  constructor(text2) {
    this.text = text2;
    for (let i = 0; i < text2.length; i++) {
      const c = text2.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text2.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }
  text;
  lineStarts = [0];
  cacheLine = -1;
  cacheOffset = 0;
  cacheColumn = 1;
  get lineCount() {
    return this.lineStarts.length;
  }
  /** Offset of the first character of a 1-based line. */
  lineStart(line) {
    return this.lineStarts[line - 1] ?? this.text.length;
  }
  /** The text of a 1-based line without its line break. */
  lineText(line) {
    const start = this.lineStart(line);
    let end = line < this.lineStarts.length ? this.lineStarts[line] : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
  position(offset) {
    const line = this.lineOf(offset);
    const start = this.lineStarts[line];
    let from = start;
    let column2 = 1;
    if (this.cacheLine === line && this.cacheOffset <= offset) {
      from = this.cacheOffset;
      column2 = this.cacheColumn;
    }
    column2 += countCodePoints(this.text, from, offset);
    this.cacheLine = line;
    this.cacheOffset = offset;
    this.cacheColumn = column2;
    return { line: line + 1, column: column2 };
  }
  /** 0-based index of the line holding offset. */
  lineOf(offset) {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
};
function countCodePoints(text2, from, to) {
  let count2 = 0;
  for (let i = from; i < to; i++) {
    const c = text2.charCodeAt(i);
    if (c < 56320 || c > 57343 || i === from) count2++;
    else if (text2.charCodeAt(i - 1) < 55296 || text2.charCodeAt(i - 1) > 56319) count2++;
  }
  return count2;
}
function utf8Length(text2, from, to) {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const c = text2.charCodeAt(i);
    if (c < 128) bytes += 1;
    else if (c < 2048) bytes += 2;
    else if (c >= 55296 && c <= 56319 && i + 1 < to) {
      const d = text2.charCodeAt(i + 1);
      if (d >= 56320 && d <= 57343) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
function indexOfCodePoint(text2, n) {
  let i = 0;
  for (let seen = 0; seen < n && i < text2.length; seen++) {
    const c = text2.charCodeAt(i);
    i += c >= 55296 && c <= 56319 && i + 1 < text2.length ? 2 : 1;
  }
  return i;
}

// src/alembic/migration-files.ts
var REVISION = /^revision\s*(?::\s*[\w.[\], ]+)?=\s*(['"])([^'"]+)\1/m;
var assignment = (name) => new RegExp(`^${name}\\s*(?::\\s*[\\w.[\\], ]+)?=\\s*(\\([^)]*\\)|\\[[^\\]]*\\]|.*)$`, "m");
var DOWN_REVISION = assignment("down_revision");
var BRANCH_LABELS = assignment("branch_labels");
var FUNCTION = /^def (upgrade|downgrade)\s*\(/;
var CALL = /\b((?:op|batch_op)\.\w+)\s*\(/g;
function indexMigrationFiles(dirs, what = "--alembic-dir") {
  const index = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Set();
  for (const dir of dirs) {
    for (const path of pythonFiles(dir, what)) {
      const real = realpathSync(path);
      if (seen.has(real)) continue;
      seen.add(real);
      const file = readMigrationFile(path, readPython(path));
      if (!file) continue;
      const first = index.get(file.revision);
      if (first) throw new UsageError(`${path}: revision ${file.revision} is also the revision of ${first.path}: give one of them a new revision id`);
      index.set(file.revision, file);
    }
  }
  return index;
}
function readPython(path) {
  try {
    return readFileSync2(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: cannot read (${error.code ?? String(error)})`);
  }
}
function pythonFiles(dir, what) {
  let entries;
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${what} ${dir}: not a directory`);
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what} ${dir}: no such directory`);
  }
  return entries.sort().flatMap((name) => {
    const path = join(dir, name);
    if (name === "__pycache__" || name.startsWith(".")) return [];
    const kind = entryKind(path);
    if (kind === "a directory" && !name.endsWith(".py")) return pythonFiles(path, what);
    if (!name.endsWith(".py")) return [];
    if (kind !== "file") throw new UsageError(`${path}: ${kind}, not a revision file; alembic loads every .py in ${dir}: remove it or rename it`);
    return [path];
  });
}
function entryKind(path) {
  let stat2;
  try {
    stat2 = statSync(path);
  } catch (error) {
    const code = error.code;
    return code === "ENOENT" ? "a broken symbolic link" : `cannot be read (${code ?? String(error)})`;
  }
  if (stat2.isFile()) return "file";
  if (stat2.isDirectory()) return "a directory";
  if (stat2.isFIFO()) return "a named pipe (FIFO)";
  return "a special file";
}
function readMigrationFile(path, text2) {
  const revision = REVISION.exec(text2)?.[2];
  if (!revision) return null;
  const file = {
    path,
    revision,
    downRevisions: stringsIn(DOWN_REVISION.exec(text2)?.[1]),
    branchLabels: stringsIn(BRANCH_LABELS.exec(text2)?.[1])
  };
  const lines = new LineIndex(text2);
  for (let line = 1; line <= lines.lineCount; line++) {
    const kind = FUNCTION.exec(lines.lineText(line))?.[1];
    if (!kind) continue;
    let end = line + 1;
    while (end <= lines.lineCount && !/^[^\s#]/.test(lines.lineText(end))) end++;
    const offset = lines.lineStart(line);
    file[kind] = { line, calls: opCalls(text2.slice(offset, lines.lineStart(end)), offset, lines) };
  }
  return file;
}
function stringsIn(value) {
  return [...(value ?? "").matchAll(/(['"])([^'"]*)\1/g)].map((m) => m[2]);
}
function opCalls(body3, offset, lines) {
  return [...body3.matchAll(CALL)].map((match) => {
    const open2 = match.index + match[0].length - 1;
    return { name: match[1], ...lines.position(offset + match.index), text: body3.slice(match.index, closingParen(body3, open2) + 1) };
  });
}
function closingParen(text2, open2) {
  let depth = 0;
  for (let i = open2; i < text2.length; i++) {
    const ch = text2[i];
    if (ch === '"' || ch === "'") {
      const triple = text2.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      let j = i + triple.length;
      while (j < text2.length && !text2.startsWith(triple, j)) j += text2[j] === "\\" ? 2 : 1;
      i = j + triple.length - 1;
    } else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return text2.length - 1;
}
var LITERAL = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;
function callScore(call, sql) {
  const normalizedSql = normalize(sql);
  const op = call.name.slice(call.name.indexOf(".") + 1);
  if (op !== "execute" && !opsThatPrint(normalizedSql).includes(op)) return 0;
  const words = new Set(normalizedSql.match(/[\w$]+/g) ?? []);
  let score = 0;
  for (const literal of call.text.match(LITERAL) ?? []) {
    const value = literal.replace(/^("""|'''|"|')|("""|'''|"|')$/g, "");
    if (/^[\w$]+$/.test(value)) {
      if (words.has(value.toLowerCase())) score += 1;
    } else if (value.trim().length > 0) {
      const normalizedValue = normalize(value);
      if (normalizedValue.length > 0 && (normalizedSql.includes(normalizedValue) || normalizedValue.includes(normalizedSql))) score += 5;
    }
  }
  return score;
}
function normalize(sql) {
  return sql.toLowerCase().replace(/["`]/g, "").replace(/\s+/g, " ").replace(/\s*;\s*$/, "").trim();
}
var CONSTRAINT_OPS = ["create_foreign_key", "create_unique_constraint", "create_check_constraint", "create_primary_key", "create_exclude_constraint"];
function opsThatPrint(sql) {
  if (/^create (unique )?index/.test(sql)) return ["create_index", "create_table", "add_column"];
  if (/^drop index/.test(sql)) return ["drop_index"];
  if (/^create table/.test(sql)) return ["create_table"];
  if (/^drop table/.test(sql)) return ["drop_table"];
  if (/^(create|drop) type/.test(sql)) return ["create_table", "add_column", "drop_table", "alter_column", "drop_column"];
  if (/^comment on/.test(sql)) return ["create_table_comment", "drop_table_comment", "alter_column", "create_table", "add_column"];
  if (/^insert /.test(sql)) return ["bulk_insert"];
  if (/^alter table/.test(sql)) {
    if (/ rename to /.test(sql)) return ["rename_table"];
    if (/ add column /.test(sql)) return ["add_column"];
    if (/ drop column /.test(sql)) return ["drop_column"];
    if (/ drop constraint /.test(sql)) return ["drop_constraint"];
    if (/ add (constraint|primary key|unique|foreign key|check|exclude)/.test(sql)) return CONSTRAINT_OPS;
    return ["alter_column"];
  }
  return [];
}

// src/sql/script.ts
var FAILURE_MARK = "locklint offline failure:";
function stepOwner(revision) {
  return revision.direction === "downgrade" ? revision.from : revision.id;
}
var MARKER = /^\s*Running (upgrade|downgrade|stamp_revision)\s+(.*?)\s*->\s*(.*?)\s*$/;
function parseRevisionMarker(commentBody, line) {
  const match = MARKER.exec(commentBody);
  if (!match) return null;
  const direction = match[1] === "stamp_revision" ? "stamp" : match[1];
  return { id: match[3] || null, from: match[2] || null, direction, line };
}
var ScriptTracker = class {
  constructor(fileIndex, counter, range = {}, assumeInTransaction = false) {
    this.fileIndex = fileIndex;
    this.counter = counter;
    this.range = range;
    this.assumed = this.transaction = assumeInTransaction ? counter.next++ : null;
  }
  fileIndex;
  counter;
  range;
  revision = null;
  revisionSeq = 0;
  transaction = null;
  /** --assume-in-transaction: the transaction the whole file runs in, until an explicit COMMIT ends it. */
  assumed;
  /** --since: a marker of a revision after REV has been seen. */
  pastSince = false;
  /** Revision ids seen, for telling the user when --since / --revision names none of them. */
  seen = /* @__PURE__ */ new Set();
  onComment(body3, line) {
    const revision = parseRevisionMarker(body3, line);
    if (revision) {
      if (this.range.since !== void 0 && this.revision?.id === this.range.since && revision.id !== this.range.since) this.pastSince = true;
      this.revision = revision;
      this.revisionSeq++;
      if (revision.id) this.seen.add(revision.id);
    }
  }
  /** Places a statement; call in file order. */
  place(statementIndex, operations) {
    const control = operations.find((o) => o.op === "transaction");
    const transactionBefore = this.transaction;
    let transaction2 = this.transaction;
    if (control?.op === "transaction") {
      if (control.kind === "begin" && this.transaction === null) {
        transaction2 = this.transaction = this.counter.next++;
      } else if (control.kind === "commit" || control.kind === "rollback") {
        this.transaction = control.chain && this.transaction !== null ? this.counter.next++ : null;
      }
    }
    return {
      revision: this.revision,
      transaction: transaction2,
      transactionBefore,
      transactionAssumed: transaction2 !== null && transaction2 === this.assumed,
      unit: this.unitFor(transaction2, statementIndex),
      bookkeeping: operations.some(isBookkeeping),
      reported: this.reported
    };
  }
  /** The revision a comment (or statement) at this point belongs to. */
  get currentRevision() {
    return this.revision;
  }
  /** Whether findings at this point are reported (--since, --revision, the revisions selected). */
  get reported() {
    const { since: since2, revision, revisions } = this.range;
    if (since2 !== void 0) return this.pastSince;
    if (revision !== void 0) return this.revision?.id === revision;
    if (revisions !== void 0) return this.revision !== null && revisions.has(stepOwner(this.revision) ?? "");
    return true;
  }
  /** The transaction still open at the end of the file, if any (the assumed one is committed there). */
  get openTransaction() {
    return this.transaction === this.assumed ? null : this.transaction;
  }
  unitFor(transaction2, statementIndex) {
    if (this.pastSince || this.revision !== null && this.reported && this.range.together?.has(stepOwner(this.revision) ?? ""))
      return { key: `f${this.fileIndex}:deploy`, label: "deploy" };
    if (this.revision) return { key: `f${this.fileIndex}:r${this.revisionSeq}`, label: "revision" };
    if (transaction2 !== null) return { key: `t${transaction2}`, label: "transaction" };
    return { key: `f${this.fileIndex}:s${statementIndex}`, label: "statement" };
  }
};
var VERSION_TABLE = "alembic_version";
function isBookkeeping(operation) {
  switch (operation.op) {
    case "create-table":
    case "insert":
    case "update":
    case "delete":
      return operation.table.name === VERSION_TABLE;
    case "drop-relation":
      return operation.relation.name === VERSION_TABLE;
    case "create-view":
    case "create-table-as":
    case "drop-index":
    case "add-column":
    case "drop-column":
    case "alter-column-type":
    case "set-not-null":
    case "drop-not-null":
    case "set-default":
    case "drop-default":
    case "add-constraint":
    case "validate-constraint":
    case "drop-constraint":
    case "rename-table":
    case "rename-column":
    case "rename-index":
    case "rename-constraint":
    case "set-schema":
    case "create-index":
    case "reindex":
    case "create-enum":
    case "add-enum-value":
    case "rename-enum-value":
    case "drop-type":
    case "truncate":
    case "select":
    case "vacuum":
    case "cluster":
    case "refresh-materialized-view":
    case "attach-partition":
    case "detach-partition":
    case "lock-table":
    case "create-trigger":
    case "drop-trigger":
    case "enable-disable-trigger":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "drop-schema":
    case "rename-schema":
    case "drop-database":
    case "domain-constraint":
    case "alter-table-other":
    case "no-table-lock":
    case "alter-sequence":
    case "table-object":
    case "attach-index":
    case "unknown":
      return false;
    default: {
      const unhandled = operation;
      throw new Error(`no case for the operation ${JSON.stringify(unhandled)}`);
    }
  }
}

// src/alembic/migration-locations.ts
function migrationLocator(files, pathOf = (path) => path) {
  const used = /* @__PURE__ */ new Set();
  const shown = (location) => location && { ...location, file: pathOf(location.file) };
  return {
    statement: (statement) => shown(locate(statement, files, used)),
    step: (revision) => shown(migrationFunction(revision, files)),
    shown: (location) => ({ ...location, file: pathOf(location.file) })
  };
}
function migrationFunction(revision, files) {
  if (revision.direction === "stamp") return void 0;
  const owner = stepOwner(revision);
  const file = owner ? files.get(owner) : void 0;
  const fn = file?.[revision.direction];
  if (!file) return void 0;
  return { file: file.path, line: fn?.line ?? 1, column: 1, call: null };
}
function locate(statement, files, used) {
  const revision = statement.revision;
  if (!revision || revision.direction === "stamp") return void 0;
  const owner = stepOwner(revision);
  const file = owner ? files.get(owner) : void 0;
  const fn = file?.[revision.direction];
  if (!file || !fn) return file ? { file: file.path, line: 1, column: 1, call: null } : void 0;
  let best;
  for (const call of fn.calls) {
    const score = callScore(call, statement.sql);
    if (score === 0) continue;
    if (!best || score > best.score || score === best.score && used.has(best.call) && !used.has(call)) best = { call, score };
  }
  if (!best) return { file: file.path, line: fn.line, column: 1, call: null };
  used.add(best.call);
  return { file: file.path, line: best.call.line, column: best.call.column, call: best.call.name };
}

// src/alembic/offline.ts
import { text } from "node:stream/consumers";
import { existsSync, realpathSync as realpathSync2 } from "node:fs";
import { dirname, isAbsolute, join as join3, relative, resolve, sep } from "node:path";

// src/common/child-process.ts
import { spawn } from "node:child_process";
var DEFAULT_TIMEOUT_SECONDS = 300;
var GRACE_MS = 2e3;
var STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
var GROUPS = process.platform !== "win32";
var running = /* @__PURE__ */ new Set();
function startChild(command, args, options) {
  listen();
  let child;
  try {
    child = spawn(command, args, { cwd: options.cwd, env: options.env, shell: options.shell, detached: GROUPS, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    if (running.size === 0) unlisten();
    throw error;
  }
  running.add(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop(child);
  }, options.timeoutSeconds * 1e3);
  const exited = new Promise((resolve9, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      untrack(child);
      reject(error);
    });
    child.on("close", (code, status) => {
      clearTimeout(timer);
      untrack(child);
      signal(child, "SIGKILL");
      if (timedOut)
        reject(
          new UsageError(`${options.what}: did not finish within ${options.timeoutSeconds} s, stopped; nothing was linted (--timeout SECONDS allows longer)`)
        );
      else resolve9({ code, signal: status });
    });
  });
  return { stdout: child.stdout, stderr: child.stderr, stop: () => stop(child), exited };
}
function stop(child) {
  signal(child, "SIGTERM");
  if (!running.has(child)) return;
  const kill = setTimeout(() => signal(child, "SIGKILL"), GRACE_MS);
  kill.unref();
  child.once("close", () => clearTimeout(kill));
}
function signal(child, name) {
  if (child.pid === void 0) return;
  try {
    if (GROUPS) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
  }
}
function listen() {
  if (running.size > 0) return;
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  process.on("exit", onExit);
}
function untrack(child) {
  if (running.delete(child) && running.size === 0) unlisten();
}
function unlisten() {
  for (const name of STOP_SIGNALS) process.off(name, onSignal);
  process.off("exit", onExit);
}
function onSignal(name) {
  const children = [...running];
  for (const name2 of STOP_SIGNALS) process.off(name2, onSignal);
  const die = () => process.kill(process.pid, name);
  let left = children.length;
  for (const child of children) {
    child.once("close", () => --left === 0 && die());
    stop(child);
  }
  setTimeout(die, GRACE_MS + 100).unref();
}
function onExit() {
  for (const child of running) signal(child, "SIGKILL");
}

// src/sql/source.ts
import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";
var STDIN_NAME = "<stdin>";
var DEFAULT_MAX_INPUT_MB = 256;
var MAX_INPUT_MB_CEILING = 500;
var MB = 1024 * 1024;
var FIFO_WAIT_MS = 5e3;
var strictUtf8 = new TextDecoder("utf-8", { fatal: true });
function decodeSource(path, bytes) {
  refuseNonText(path, bytes);
  let text2;
  try {
    text2 = strictUtf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new UsageError(`${path}:${lineAt(bytes, bad)}: not valid UTF-8 (byte offset ${bad}); save the file as UTF-8`);
  }
  const bomBytes = bytes[0] === 239 && bytes[1] === 187 && bytes[2] === 191 ? 3 : 0;
  return { path, text: text2, bomBytes };
}
function refuseNonText(path, bytes) {
  const utf16 = utf16Encoding(bytes);
  if (utf16) {
    const convert = path.startsWith("<") ? `iconv -f ${utf16} -t UTF-8` : `iconv -f ${utf16} -t UTF-8 ${path} > converted.sql`;
    throw new UsageError(`${path}: ${utf16} text, not UTF-8; convert it first: ${convert}`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new UsageError(`${path}:${lineAt(bytes, nul)}: binary input (NUL byte at offset ${nul}); locklint reads SQL text`);
  }
}
function utf16Encoding(bytes) {
  if (bytes[0] === 255 && bytes[1] === 254) return "UTF-16LE";
  if (bytes[0] === 254 && bytes[1] === 255) return "UTF-16BE";
  const pairs = Math.min(bytes.length >> 1, 256);
  let little = 0;
  let big = 0;
  for (let p = 0; p < pairs; p++) {
    const [a, b] = [bytes[2 * p], bytes[2 * p + 1]];
    if (a !== 0 && b === 0) little++;
    else if (a === 0 && b !== 0) big++;
  }
  if (pairs < 4) return null;
  if (little > pairs / 2 && big === 0) return "UTF-16LE";
  if (big > pairs / 2 && little === 0) return "UTF-16BE";
  return null;
}
async function readSourceFile(path, maxBytes = DEFAULT_MAX_INPUT_MB * MB, fifoWaitMs = FIFO_WAIT_MS) {
  const handle = await openInput(path, maxBytes, fifoWaitMs);
  try {
    return await readStream(path, handle.createReadStream({ autoClose: false }), maxBytes);
  } finally {
    await handle.close();
  }
}
async function openInput(path, maxBytes, fifoWaitMs) {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
  if (info.isDirectory()) throw new UsageError(`${path}: is a directory, not a SQL file`);
  if (info.isFile() && info.size > maxBytes) throw tooLarge(path, maxBytes);
  try {
    return info.isFIFO() ? await openFifo(path, fifoWaitMs) : await open(path, "r");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
}
async function openFifo(path, waitMs) {
  const opening = open(path, "r");
  let timer;
  const timeout = new Promise((resolve9) => timer = setTimeout(() => resolve9(null), waitMs));
  const handle = await Promise.race([opening, timeout]).finally(() => clearTimeout(timer));
  if (handle) return handle;
  const writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
  await writer?.close();
  await opening.then(
    (late) => late.close(),
    () => void 0
  );
  throw new UsageError(`${path}: a named pipe that nobody opened for writing within ${waitMs / 1e3} s; start the command that writes to it first`);
}
async function readStream(name, stream, maxBytes = DEFAULT_MAX_INPUT_MB * MB) {
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      chunks.push(bytes);
      size += bytes.length;
      if (size > maxBytes) throw tooLarge(name, maxBytes);
      if (chunks.length === 1 || bytes.includes(0)) refuseNonText(name, chunks.length === 1 ? bytes : Buffer.concat(chunks));
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${name}: cannot read: ${describeFsError(error)}`);
  }
  return decodeSource(name, Buffer.concat(chunks));
}
function tooLarge(name, maxBytes) {
  return new UsageError(
    `${name}: larger than ${maxBytes / MB} MB, the input size limit; stopped reading (raise it with --max-input-mb, or max-input-mb in the configuration file)`
  );
}
function describeFsError(error) {
  const code = error?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory, not a SQL file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
function lineAt(bytes, offset) {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}
function firstInvalidUtf8(bytes) {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 128) {
      i++;
      continue;
    }
    let need;
    let min;
    let cp;
    if (b >= 194 && b <= 223) {
      need = 1;
      min = 128;
      cp = b & 31;
    } else if (b >= 224 && b <= 239) {
      need = 2;
      min = 2048;
      cp = b & 15;
    } else if (b >= 240 && b <= 244) {
      need = 3;
      min = 65536;
      cp = b & 7;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === void 0 || (c & 192) !== 128) return i;
      cp = cp << 6 | c & 63;
    }
    if (cp < min || cp > 1114111 || cp >= 55296 && cp <= 57343) return i;
    i += need + 1;
  }
  return -1;
}

// src/alembic/driver.ts
var DOWNGRADE_SEPARATOR = "-- locklint: downgrade heads:base --sql follows";
var DRIVER = String.raw`
import functools, json, os, sys, traceback

spec = json.loads(sys.argv[1])

def report(step, revision, error):
    path = getattr(revision, "path", None)
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if path and os.path.abspath(frame.filename) == os.path.abspath(path):
            line = frame.lineno
    failure = {
        "direction": "upgrade" if getattr(step, "is_upgrade", True) else "downgrade",
        "revision": revision.revision,
        "file": path and os.path.relpath(path),  # from the ini's directory, where the driver runs
        "line": line,
        "error": traceback.format_exception_only(type(error), error)[-1].strip(),
    }
    text = "-- ${FAILURE_MARK} " + json.dumps(failure)
    try:
        from alembic import context
        context.get_context().impl.static_output(text)
    except Exception:
        sys.stdout.write(text + "\n\n")

def guard_revisions():
    try:
        from alembic.runtime.migration import RevisionStep
    except ImportError:
        return  # an alembic without it: a failure then ends the run, and is reported from stderr
    init = RevisionStep.__init__

    def guarded_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        fn = getattr(self, "migration_fn", None)
        revision = getattr(self, "revision", None)
        if fn is None or revision is None:
            return

        @functools.wraps(fn)  # alembic names the step after the function: keep upgrade/downgrade
        def guarded(*a, **kw):
            try:
                return fn(*a, **kw)
            except Exception as error:
                report(self, revision, error)

        self.migration_fn = guarded

    RevisionStep.__init__ = guarded_init

def to_the_end(step, *args, **kwargs):
    # sys.exit(0) in a revision or env.py would end the run early with status 0, as if all had
    # rendered: make it a failure, with the traceback that names the file and line
    try:
        step(*args, **kwargs)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise
        traceback.print_exc()
        sys.stderr.write("sys.exit(%r) ended alembic before the end of the run\n" % (stop.code,))
        sys.exit(1)

guard_revisions()
from alembic.config import main

common = ["-c", spec["ini"], "-n", spec["section"]]
for x in spec["x"]:
    common += ["-x", x]
to_the_end(main, argv=common + ["upgrade", "base:heads", "--sql"], prog="alembic")

def downgrade_all_heads():
    # 'downgrade heads:base --sql' refuses several heads: start from all of them, as a tuple
    import argparse
    from alembic import util
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = Config(spec["ini"], ini_section=spec["section"], cmd_opts=argparse.Namespace(x=spec["x"] or None))
    try:
        script = ScriptDirectory.from_config(config)
        heads = tuple(script.get_heads())
        with EnvironmentContext(config, script, fn=lambda rev, context: script._downgrade_revs("base", rev), as_sql=True, starting_rev=heads, destination_rev="base"):
            script.run_env()
    except util.CommandError as error:
        sys.stdout.write("FAILED: %s\n" % error)
        sys.exit(1)

if spec["downgrade"]:
    sys.stdout.write("${DOWNGRADE_SEPARATOR}\n")
    sys.stdout.flush()
    to_the_end(downgrade_all_heads)
`;

// src/alembic/git.ts
import { spawnSync } from "node:child_process";
import { join as join2 } from "node:path";
var GIT_TIMEOUT_MS = 6e4;
function git(cwd, args) {
  const run2 = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: GIT_TIMEOUT_MS });
  return { ok: !run2.error && run2.status === 0, out: run2.stdout ?? "", err: (run2.stderr ?? run2.error?.message ?? "").trim() };
}
function gitRoot(cwd) {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]);
  return top.ok ? top.out.trim() : null;
}
function defaultBranch(cwd) {
  const remoteHead = git(cwd, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]);
  if (remoteHead.ok && remoteHead.out.trim()) return remoteHead.out.trim();
  return ["origin/main", "origin/master", "main", "master"].find((ref) => git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).ok) ?? null;
}
function changedSince(cwd, ref) {
  const root = gitRoot(cwd);
  if (!root) throw new UsageError(`--since-ref ${ref}: ${cwd} is not in a git work tree`);
  const commit = resolveCommit(root, ref);
  const base = git(root, ["merge-base", commit, "HEAD"]);
  if (!base.ok) throw new UsageError(`--since-ref ${ref}: git finds no common ancestor with HEAD (the histories are unrelated)`);
  const diff = git(root, ["diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", base.out.trim()]);
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard", "-z"]);
  if (!diff.ok) throw new UsageError(`--since-ref ${ref}: git diff failed: ${diff.err}`);
  return [...new Set([...diff.out.split("\0"), ...untracked.out.split("\0")].filter(Boolean))].map((path) => join2(root, path));
}
function resolveCommit(root, ref) {
  if (ref.startsWith("-")) throw new UsageError(`--since-ref ${ref}: a git ref cannot start with "-"`);
  const commit = git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (!commit.ok) {
    throw new UsageError(
      `--since-ref ${ref}: git finds no common ancestor with HEAD: ${ref} is unknown here (no such branch, tag or commit); in a shallow CI checkout, fetch it (actions/checkout with fetch-depth: 0)`
    );
  }
  return commit.out.trim();
}

// src/alembic/offline.ts
function pythonCandidates(ini, env = process.env) {
  const windows = process.platform === "win32";
  const venvPython = (prefix) => windows ? join3(prefix, "Scripts", "python.exe") : join3(prefix, "bin", "python");
  const candidates = [];
  if (env.VIRTUAL_ENV) candidates.push({ python: venvPython(env.VIRTUAL_ENV), where: "$VIRTUAL_ENV" });
  if (env.CONDA_PREFIX)
    candidates.push({ python: windows ? join3(env.CONDA_PREFIX, "python.exe") : join3(env.CONDA_PREFIX, "bin", "python"), where: "$CONDA_PREFIX" });
  for (const { dir, where } of projectDirs(resolve(dirname(ini)))) {
    for (const name of [".venv", "venv"]) {
      const python = venvPython(join3(dir, name));
      if (existsSync(python)) candidates.push({ python, where });
    }
  }
  candidates.push({ python: "python3", where: "on PATH" }, { python: "python", where: "on PATH" });
  return candidates.filter((c, i) => candidates.findIndex((d) => d.python === c.python) === i);
}
function projectDirs(iniDir) {
  const top = gitRoot(iniDir);
  const realTop = top && realpathSync2(top);
  const isTop = (dir) => realTop !== null && realpathSync2(dir) === realTop;
  const dirs = [{ dir: iniDir, where: "beside alembic.ini" }];
  for (let dir = iniDir; !isTop(dir) && dirname(dir) !== dir; ) {
    dir = dirname(dir);
    dirs.push({ dir, where: isTop(dir) ? "at the repository root" : "above alembic.ini" });
  }
  return dirs;
}
async function findPython(candidates, env = process.env, cwd = process.cwd(), timeoutSeconds = DEFAULT_TIMEOUT_SECONDS) {
  const tried = [];
  for (const candidate of candidates) {
    const failure = await cannotImportAlembic(candidate.python, env, timeoutSeconds);
    if (!failure) return candidate;
    tried.push(`${shownPath(candidate.python, cwd)} (${candidate.where}: ${failure})`);
  }
  throw new UsageError(`no Python that can import alembic; tried ${tried.join(", ")}: activate the project's environment or give --python PATH`);
}
async function cannotImportAlembic(python, env, timeoutSeconds) {
  const child = startChild(python, ["-c", "import alembic"], { env, timeoutSeconds, what: python });
  child.stdout.resume();
  child.stderr.resume();
  try {
    return (await child.exited).code === 0 ? null : "no alembic";
  } catch (error) {
    return error instanceof UsageError ? `no answer within ${timeoutSeconds} s` : "cannot run";
  }
}
function shownPath(path, cwd) {
  const below = relative(cwd, path);
  return isAbsolute(path) && below && !below.startsWith("..") && !isAbsolute(below) ? below : path;
}
async function projectPython(project, options) {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const found = await findPython(pythonCandidates(project.ini, env), env, cwd, options.timeoutSeconds);
  options.log?.(`python: ${shownPath(found.python, cwd)} (${found.where})`);
  return found.python;
}
var UPGRADE_NAME = "<alembic upgrade base:heads --sql>";
var DOWNGRADE_NAME = "<alembic downgrade heads:base --sql>";
async function renderHistory(project, options = {}) {
  const python = options.python ?? await projectPython(project, options);
  const spec = { ini: project.ini, section: project.section, x: options.x ?? [], downgrade: options.downgrade ?? false };
  const run2 = await runDriver(python, project, spec, options);
  const stderr = run2.stderr;
  for (const warning of alembicWarnings(stderr)) options.log?.(`alembic: ${warning}`);
  const separator = run2.stdout.indexOf(`${DOWNGRADE_SEPARATOR}
`);
  let upgrade = separator < 0 ? run2.stdout : run2.stdout.subarray(0, separator);
  let downgrade = separator < 0 ? null : run2.stdout.subarray(separator + DOWNGRADE_SEPARATOR.length + 1);
  const stopped = run2.status !== 0;
  if (stopped) {
    const stoppedIn = downgrade ?? upgrade;
    const what = `alembic ${downgrade ? "downgrade heads:base" : "upgrade base:heads"} --sql`;
    const message = failureMessage(run2.stdout.toString("utf8"), stderr);
    const marker = lastStep(stoppedIn.toString("utf8"));
    const place = failurePlace(stderr, [project.scriptLocation, ...project.versionLocations]);
    if (!marker) {
      const at2 = place.file ? ` in ${relative(options.cwd ?? process.cwd(), place.file)}:${place.line}` : "";
      throw new UsageError(`${what} failed (${run2.signal ? `killed by ${run2.signal}` : `exit ${run2.status}`})${at2}: ${message}`);
    }
    const file = place.file && relative(dirname(project.ini), place.file);
    const comment2 = Buffer.from(`
-- ${FAILURE_MARK} ${JSON.stringify({ ...marker, file, line: place.line, error: message, fatal: true })}
`);
    if (downgrade) downgrade = Buffer.concat([downgrade, comment2]);
    else upgrade = Buffer.concat([upgrade, comment2]);
  }
  const sources = [decodeSource(UPGRADE_NAME, upgrade)];
  if (downgrade) sources.push(decodeSource(DOWNGRADE_NAME, downgrade));
  return { sources, stopped };
}
async function runDriver(python, project, spec, options) {
  const what = `alembic ${options.downgrade ? "upgrade and downgrade" : "upgrade base:heads"} --sql for ${shownPath(project.ini, options.cwd ?? process.cwd())}`;
  const child = startChild(python, ["-c", DRIVER, JSON.stringify(spec)], {
    cwd: dirname(project.ini),
    env: { ...options.env ?? process.env, PYTHONIOENCODING: "utf-8" },
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    what
  });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_MB * MB;
  let tooBig = false;
  const stdout = readAtMost(child.stdout, maxBytes, () => {
    tooBig = true;
    child.stop();
  });
  const stderr = text(child.stderr);
  let ended;
  try {
    ended = await child.exited;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot run ${python}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (tooBig) throw new UsageError(`${what}: printed more than ${maxBytes / MB} MB of SQL, stopped; nothing was linted (--max-input-mb MB allows more)`);
  return { status: ended.code, signal: ended.signal, stdout: await stdout, stderr: await stderr };
}
async function readAtMost(stream, maxBytes, tooBig) {
  const chunks = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) {
      tooBig();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
function alembicWarnings(stderr) {
  return stderr.split("\n").filter((line) => /^\S.*:\d+: \w*Warning: /.test(line) || /^(WARN|WARNI|WARNING|ERROR|CRITI|CRITICAL)\s+\[/.test(line)).map((line) => line.replace(/^(\S.*?):(\d+): (\w*Warning: .*)$/, "$3 ($1:$2)").trim());
}
function checkRendered(rendering, wanted, options) {
  if (rendering.stopped) return;
  const [upgrade, downgrade] = rendering.sources;
  const directions = options.downgrade ? [
    ["upgrade", upgrade],
    ["downgrade", downgrade]
  ] : [["upgrade", upgrade]];
  for (const [direction, source] of directions) {
    const rendered = renderedSteps(source?.text ?? "", direction);
    if (direction === "upgrade" && rendered.length === 0) return;
    const missing = wanted.filter((file) => !rendered.includes(file.revision));
    if (missing.length === 0) continue;
    const named = missing.slice(0, 3).map((file) => `${file.revision} (${relative(options.cwd, file.path)})`);
    const more = missing.length > named.length ? ` and ${missing.length - named.length} more` : "";
    const last = rendered.at(-1);
    throw new UsageError(
      `alembic ended with status 0 but never ran the ${direction} of revision${missing.length > 1 ? "s" : ""} ${named.join(", ")}${more}: it stopped early${last ? `, after ${last}` : ""} (does a revision or env.py end the process, or does alembic not load that file?); nothing was linted`
    );
  }
}
function renderedSteps(sql, direction) {
  return (sql.match(/^--\s*Running .*$/gm) ?? []).flatMap((line) => {
    const step2 = parseRevisionMarker(line.replace(/^--/, ""), 0);
    const owner = step2?.direction === direction ? stepOwner(step2) : null;
    return owner ? [owner] : [];
  });
}
function lastStep(sql) {
  const lines = sql.match(/^--\s*Running .*$/gm) ?? [];
  const step2 = parseRevisionMarker(lines.at(-1)?.replace(/^--/, "") ?? "", 0);
  const revision = step2 && stepOwner(step2);
  return step2 && revision && step2.direction !== "stamp" ? { direction: step2.direction, revision } : null;
}
function failurePlace(stderr, projectDirs2) {
  const frames = [...stderr.matchAll(/^\s*File "(.+?)", line (\d+)/gm)].filter((m) => projectDirs2.some((dir) => m[1].startsWith(dir + sep)));
  const frame = frames.at(-1);
  return frame ? { file: frame[1], line: Number(frame[2]) } : { file: null, line: null };
}
function failureMessage(stdout, stderr) {
  const failed2 = `${stdout}
${stderr}`.split("\n").find((line) => line.startsWith("FAILED:"));
  return (failed2 ?? stderr.trim().split("\n").at(-1) ?? "").trim() || "no message";
}

// src/alembic/project.ts
import { existsSync as existsSync3, readFileSync as readFileSync3 } from "node:fs";
import { dirname as dirname3, isAbsolute as isAbsolute2, join as join4, resolve as resolve3 } from "node:path";

// src/common/find-file.ts
import { existsSync as existsSync2 } from "node:fs";
import { dirname as dirname2, resolve as resolve2 } from "node:path";
function findProjectFile(cwd, named, what, pick) {
  if (named) {
    const path = resolve2(cwd, named);
    if (!existsSync2(path)) throw new UsageError(`${named}: no such ${what}`);
    return path;
  }
  for (let dir = resolve2(cwd); ; dir = dirname2(dir)) {
    const found = pick(dir);
    if (found) return found;
    if (dirname2(dir) === dir) return null;
  }
}

// src/alembic/project.ts
function findAlembicIni(cwd, named) {
  const ini = findProjectFile(cwd, named, "alembic configuration file", (dir) => existsSync3(join4(dir, "alembic.ini")) ? join4(dir, "alembic.ini") : null);
  if (!ini) throw new UsageError(`no alembic.ini in ${resolve3(cwd)} or above it: run in an alembic project, or name the file`);
  return ini;
}
function readAlembicProject(ini, section = "alembic") {
  const sections = parseIni(readFileSync3(ini, "utf8"));
  const values = sections.get(section);
  if (!values) throw new UsageError(`${ini}: no [${section}] section`);
  const here = dirname3(ini);
  const get = (key) => values.get(key)?.replace(/%\(here\)s/g, here);
  const location = get("script_location");
  if (!location) throw new UsageError(`${ini}: [${section}] has no script_location`);
  if (/^[\w.]+:/.test(location) && !isAbsolute2(location))
    throw new UsageError(`${ini}: script_location ${location} names a Python package; give the directory instead`);
  const scriptLocation = resolve3(here, location);
  const versions = get("version_locations");
  const versionLocations = versions ? splitLocations(versions, values.get("version_path_separator")).map((v) => resolve3(here, v)) : [join4(scriptLocation, "versions")];
  return { ini, section, scriptLocation, versionLocations };
}
function splitLocations(value, separator) {
  const by = { os: /:/, ":": /:/, ";": /;/, space: / /, newline: /\n/ };
  const pattern = separator === void 0 ? /[\s,]+/ : by[separator.trim()] ?? /[\s,]+/;
  return value.split(pattern).map((v) => v.trim()).filter(Boolean);
}
function parseIni(text2) {
  const sections = /* @__PURE__ */ new Map();
  let current;
  let lastKey;
  for (const line of text2.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(line) || line.trim() === "") {
      lastKey = void 0;
      continue;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      current = sections.get(header[1]) ?? /* @__PURE__ */ new Map();
      sections.set(header[1], current);
      lastKey = void 0;
    } else if (/^\s/.test(line) && current && lastKey !== void 0) {
      current.set(lastKey, `${current.get(lastKey)}
${line.trim()}`.trim());
    } else if (current) {
      const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
      if (pair) {
        lastKey = pair[1].trim().toLowerCase();
        current.set(lastKey, pair[2].trim());
      }
    }
  }
  return sections;
}

// src/alembic/selection.ts
import { realpathSync as realpathSync3 } from "node:fs";

// src/common/text.ts
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// src/alembic/selection.ts
function selectRevisions(history, options, cwd) {
  const given = [options.all && "--all", options.revision?.length && "--revision", options.sinceRef !== void 0 && "--since-ref"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of --all, --revision and --since-ref, not ${given.join(" and ")}`);
  if (options.all) return { revisions: new Set(history.ids), together: /* @__PURE__ */ new Set(), description: `every revision (${history.ids.length})` };
  if (options.revision?.length) {
    const revisions = new Set(options.revision.flatMap((name) => history.resolve(name)));
    return { revisions, together: /* @__PURE__ */ new Set(), description: `${plural(revisions.size, "revision")} named: ${listed(revisions)}` };
  }
  if (options.sinceRef !== void 0) return changedRevisions(history, cwd, options.sinceRef, "");
  const ref = gitRoot(cwd) ? defaultBranch(cwd) : null;
  if (!ref)
    return {
      revisions: new Set(history.ids),
      together: /* @__PURE__ */ new Set(),
      description: `every revision (${history.ids.length}): git cannot tell a default branch to compare with`
    };
  return changedRevisions(history, cwd, ref, " (the default branch)");
}
function changedRevisions(history, cwd, ref, note) {
  const byPath = new Map([...history.files.values()].map((file) => [realPath(file.path), file.revision]));
  const revisions = new Set(changedSince(cwd, ref).flatMap((path) => byPath.get(realPath(path)) ?? []));
  const description = revisions.size === 0 ? `no revision file added or changed since ${ref}${note}: nothing to report (--all reports every revision)` : `${plural(revisions.size, "revision")} added or changed since ${ref}${note}: ${listed(revisions)}`;
  const together = new Set([...revisions].filter((id) => history.withDescendants([id]).every((d) => revisions.has(d))));
  return { revisions, together, description };
}
function listed(revisions) {
  return [...revisions].join(", ");
}
function realPath(path) {
  try {
    return realpathSync3(path);
  } catch {
    return path;
  }
}

// src/sql/ast.ts
var NOT_STATEMENTS = ["RawStmt", "PLAssignStmt", "ReturnStmt", "SetOperationStmt", "ReplicaIdentityStmt"];
function nodeKind(node) {
  const kind = Object.keys(node)[0];
  return [kind, node[kind]];
}
function isStatement(node) {
  return node[0].endsWith("Stmt") && !NOT_STATEMENTS.includes(node[0]);
}
function asKind(node, kind) {
  return node && kind in node ? node[kind] : void 0;
}
function list(value) {
  if (Array.isArray(value)) return value;
  return asKind(value, "List")?.items ?? [];
}
function nameList(value) {
  return list(value).map((n) => asKind(n, "String")?.sval ?? "");
}
function unhandledKind(kind) {
  return String(kind);
}
function relationName(rangeVar) {
  const name = rangeVar?.relname;
  return name === void 0 ? void 0 : relation(rangeVar?.schemaname ?? null, name);
}
function requiredRelation(rangeVar) {
  return required(relationName(rangeVar), "a relation");
}
function requiredRelationFromNames(names2) {
  const name = required(names2[names2.length - 1], "a name");
  return relation(names2.length > 1 ? names2[names2.length - 2] : null, name);
}
function relation(schema, name) {
  return { schema, name, written: schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name) };
}
function required(value, what) {
  return value ?? malformed(what);
}
function requiredKind(node, kind) {
  return required(asKind(node, kind), `the ${kind}`);
}
function malformed(what) {
  throw new Error(`its parse tree lacks ${what} the grammar requires`);
}
function quoteIdent(name) {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
var TYPE_ALIASES = {
  int: "int4",
  integer: "int4",
  smallint: "int2",
  bigint: "int8",
  real: "float4",
  float: "float8",
  "double precision": "float8",
  boolean: "bool",
  decimal: "numeric",
  "character varying": "varchar",
  character: "bpchar",
  char: "bpchar",
  "timestamp with time zone": "timestamptz",
  "timestamp without time zone": "timestamp",
  "time with time zone": "timetz",
  "time without time zone": "time",
  "bit varying": "varbit",
  serial4: "serial",
  serial8: "bigserial",
  serial2: "smallserial"
};
function columnType(typeName) {
  if (!typeName) return null;
  const names2 = nameList(typeName.names);
  const raw = required(names2[names2.length - 1], "a type name").toLowerCase();
  const schema = names2.length > 1 && names2[0] !== "pg_catalog" ? names2[0] : null;
  const mods = [];
  for (const m of list(typeName.typmods)) {
    const c = asKind(m, "A_Const");
    if (c) mods.push(constInt(c) ?? 0);
  }
  return { name: TYPE_ALIASES[raw] ?? raw, schema, mods, array: list(typeName.arrayBounds).length > 0 };
}
function formatType(type) {
  const base = type.schema ? `${type.schema}.${type.name}` : type.name;
  return `${base}${type.mods.length ? `(${type.mods.join(",")})` : ""}${type.array ? "[]" : ""}`;
}
function constInt(aConst) {
  return aConst.ival === void 0 ? void 0 : aConst.ival.ival ?? 0;
}
function constText(node) {
  const c = asKind(node, "A_Const");
  if (c?.sval !== void 0) return c.sval.sval ?? "";
  if (c?.ival !== void 0) return String(c.ival.ival ?? 0);
  if (c?.fval !== void 0) return c.fval.fval ?? "0";
  return void 0;
}
function walk(root, visit) {
  const visitPair = visit;
  const nodes2 = [root];
  const kinds = [""];
  while (nodes2.length > 0) {
    const node = nodes2.pop();
    const kind = kinds.pop();
    if (kind !== "" && visitPair(kind, node) === "skip") continue;
    const from = nodes2.length;
    if (Array.isArray(node)) {
      for (const item of node) pushChild(nodes2, kinds, item, "");
    } else {
      for (const key in node) {
        const value = node[key];
        const first = key.charCodeAt(0);
        pushChild(nodes2, kinds, value, first >= 65 && first <= 90 && !Array.isArray(value) ? key : "");
      }
    }
    reverseFrom(nodes2, from);
    reverseFrom(kinds, from);
  }
}
function pushChild(nodes2, kinds, value, kind) {
  if (!value || typeof value !== "object") return;
  nodes2.push(value);
  kinds.push(kind);
}
function reverseFrom(list2, from) {
  for (let i = from, j = list2.length - 1; i < j; i++, j--) [list2[i], list2[j]] = [list2[j], list2[i]];
}

// src/sql/parse-batch.ts
import { readFileSync as readFileSync4 } from "node:fs";

// src/sql/lock-mode-names.ts
var LOCK_MODES = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE"
];
function lockModeFromLevel(level) {
  return LOCK_MODES[Math.min(Math.max(level, 1), 8) - 1];
}

// src/sql/volatility.ts
var VOLATILE = /* @__PURE__ */ new Set([
  "random",
  "random_normal",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "setval",
  "currval",
  "lastval",
  // extensions: uuid-ossp and pgcrypto
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes"
]);
var STABLE = /* @__PURE__ */ new Set([
  "now",
  "transaction_timestamp",
  "statement_timestamp",
  "current_setting",
  "current_schema",
  "current_database",
  "to_timestamp",
  "timezone",
  "date_trunc",
  "to_char",
  "age",
  "txid_current",
  "pg_current_xact_id",
  // stable through some overload (type output functions depend on settings)
  "length",
  "concat",
  "to_jsonb",
  "to_json",
  "jsonb_build_object",
  "json_build_object",
  "jsonb_build_array",
  "json_build_array",
  "date_part",
  "extract"
]);
var IMMUTABLE = /* @__PURE__ */ new Set(["lower", "upper", "abs", "round", "md5", "make_interval", "btrim", "trim", "replace", "substring", "array_fill"]);
var RANK = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };
function analyzeDefault(expr) {
  const result2 = { volatility: "immutable", unknownFunctions: [], volatileFunctions: [], isNull: false };
  const constant = asKind(expr, "A_Const");
  if (constant?.isnull) result2.isNull = true;
  const raise = (v) => {
    if (RANK[v] > RANK[result2.volatility]) result2.volatility = v;
  };
  walk(expr, (kind, body3) => {
    if (kind === "FuncCall") {
      const names2 = nameList(body3.funcname);
      const name = (names2[names2.length - 1] ?? "").toLowerCase();
      const qualifiedElsewhere = names2.length > 1 && names2[0] !== "pg_catalog";
      if (!qualifiedElsewhere && VOLATILE.has(name)) {
        result2.volatileFunctions.push(name);
        raise("volatile");
      } else if (!qualifiedElsewhere && STABLE.has(name)) raise("stable");
      else if (!qualifiedElsewhere && IMMUTABLE.has(name)) raise("immutable");
      else {
        result2.unknownFunctions.push(names2.join("."));
        raise("unknown");
      }
    } else if (kind === "SQLValueFunction") raise("stable");
    else if (kind === "SubLink") raise("unknown");
  });
  return result2;
}
var LISTED_FUNCTIONS = [...VOLATILE, ...STABLE, ...IMMUTABLE];

// src/sql/operations.ts
function operationsOf(ast, base = 0) {
  const operations = readOperations(ast);
  if (base > 0) rebaseLocations(operations, base);
  return operations;
}
function rebaseLocations(value, base) {
  if (Array.isArray(value)) for (const item of value) rebaseLocations(item, base);
  else if (value !== null && typeof value === "object") {
    const record = value;
    for (const key in record) {
      const v = record[key];
      if (key === "location" && typeof v === "number") record[key] = v >= base ? v - base : v;
      else if (typeof v === "object") rebaseLocations(v, base);
    }
  }
}
function readOperations(ast) {
  const node = nodeKind(ast);
  if (!isStatement(node)) return [{ op: "unknown", what: describeKind(node[0]) }];
  return [...modifyingCtes(node), ...statementOperations(node)];
}
function modifyingCtes(node) {
  const [kind, stmt] = node;
  if (kind !== "InsertStmt" && kind !== "UpdateStmt" && kind !== "DeleteStmt" && kind !== "SelectStmt") return [];
  return list(stmt.withClause?.ctes).flatMap((cte) => {
    const query = asKind(cte, "CommonTableExpr")?.ctequery;
    if (!query) return [];
    const inner = nodeKind(query);
    return isStatement(inner) && (inner[0] === "InsertStmt" || inner[0] === "UpdateStmt" || inner[0] === "DeleteStmt") ? readOperations(query) : [];
  });
}
function statementOperations(node) {
  const [kind, stmt] = node;
  switch (kind) {
    case "CreateStmt":
      return [createTable(stmt)];
    case "ViewStmt": {
      return [
        {
          op: "create-view",
          view: requiredRelation(stmt.view),
          materialized: false,
          reads: readRelations(stmt.query),
          orReplace: Boolean(stmt.replace),
          columns: mentionedColumns(stmt.query)
        }
      ];
    }
    case "CreateTableAsStmt": {
      const target = requiredRelation(stmt.into?.rel);
      const reads = readRelations(stmt.query);
      return stmt.objtype === "OBJECT_MATVIEW" ? [
        {
          op: "create-view",
          view: target,
          materialized: true,
          reads,
          orReplace: false,
          columns: mentionedColumns(stmt.query),
          ...stmt.into?.skipData ? { noData: true } : {}
        }
      ] : [{ op: "create-table-as", table: target, reads, ...stmt.into?.skipData ? { noData: true } : {} }];
    }
    case "DropStmt":
      return dropStatement(stmt);
    case "AlterTableStmt":
      return alterTable(stmt);
    case "RenameStmt":
      return renameStatement(stmt);
    case "AlterObjectSchemaStmt": {
      const relation2 = relationName(stmt.relation);
      return relation2 ? [{ op: "set-schema", relation: relation2, newSchema: stmt.newschema ?? "" }] : [{ op: "no-table-lock", what: "ALTER ... SET SCHEMA" }];
    }
    case "IndexStmt": {
      const table2 = requiredRelation(stmt.relation);
      const index = stmt.idxname ? { schema: table2.schema, name: stmt.idxname, written: stmt.idxname } : null;
      const columns = list(stmt.indexParams).flatMap((p) => {
        const e = asKind(p, "IndexElem");
        return e?.name ? [e.name] : [];
      });
      const only = stmt.relation?.inh !== true;
      return [
        {
          op: "create-index",
          table: table2,
          index,
          unique: Boolean(stmt.unique),
          concurrent: Boolean(stmt.concurrent),
          columns,
          only,
          ifNotExists: Boolean(stmt.if_not_exists)
        }
      ];
    }
    case "ReindexStmt":
      return [reindex(stmt)];
    case "CreateEnumStmt": {
      return [{ op: "create-enum", type: requiredRelationFromNames(nameList(stmt.typeName)), values: nameList(stmt.vals) }];
    }
    case "AlterEnumStmt": {
      const type = requiredRelationFromNames(nameList(stmt.typeName));
      if (stmt.oldVal !== void 0) return [{ op: "rename-enum-value", type, from: stmt.oldVal, to: stmt.newVal ?? "" }];
      const position = stmt.newValNeighbor === void 0 ? "end" : stmt.newValIsAfter === true ? "after" : "before";
      return [{ op: "add-enum-value", type, value: stmt.newVal ?? "", position }];
    }
    case "TruncateStmt":
      return list(stmt.relations).map((r) => {
        const rangeVar = asKind(r, "RangeVar");
        return { op: "truncate", table: requiredRelation(rangeVar), cascade: stmt.behavior === "DROP_CASCADE", only: rangeVar?.inh !== true };
      });
    case "UpdateStmt": {
      const table2 = requiredRelation(stmt.relation);
      const columns = list(stmt.targetList).flatMap((t) => {
        const r = asKind(t, "ResTarget");
        return r?.name ? [r.name] : [];
      });
      const reads = readRelations([stmt.fromClause, stmt.whereClause, stmt.targetList, stmt.withClause]);
      const joined2 = list(stmt.fromClause).length > 0;
      return [{ op: "update", table: table2, columns, where: whereColumns(stmt.whereClause), reads, ...joined2 ? { joined: joined2 } : {} }];
    }
    case "DeleteStmt": {
      const table2 = requiredRelation(stmt.relation);
      const reads = readRelations([stmt.usingClause, stmt.whereClause, stmt.withClause]);
      const joined2 = list(stmt.usingClause).length > 0;
      return [{ op: "delete", table: table2, where: whereColumns(stmt.whereClause), reads, ...joined2 ? { joined: joined2 } : {} }];
    }
    case "InsertStmt": {
      return [{ op: "insert", table: requiredRelation(stmt.relation), reads: readRelations([stmt.selectStmt, stmt.withClause]) }];
    }
    case "CreateStatsStmt":
      return list(stmt.relations).flatMap((r) => {
        const table2 = relationName(asKind(r, "RangeVar"));
        const names2 = nameList(stmt.defnames);
        const statistics = names2.length ? requiredRelationFromNames(names2) : null;
        return table2 ? [{ op: "no-table-lock", what: "CREATE STATS", locks: { kind: "create-statistics", table: table2, statistics } }] : [];
      });
    case "SelectStmt":
      return [{ op: "select", reads: readRelations(stmt), locking: list(stmt.lockingClause).length > 0, where: whereColumns(stmt.whereClause) }];
    case "VacuumStmt":
      return vacuum(stmt);
    case "ClusterStmt":
      return [{ op: "cluster", table: relationName(stmt.relation) ?? null }];
    case "RefreshMatViewStmt": {
      return [{ op: "refresh-materialized-view", view: requiredRelation(stmt.relation), concurrent: Boolean(stmt.concurrent), withData: !stmt.skipData }];
    }
    case "LockStmt": {
      const mode = lockModeFromLevel(stmt.mode ?? 8);
      return list(stmt.relations).map((r) => {
        const rangeVar = asKind(r, "RangeVar");
        return { op: "lock-table", table: requiredRelation(rangeVar), mode, only: rangeVar?.inh !== true };
      });
    }
    case "CreateTrigStmt": {
      return [
        { op: "create-trigger", table: requiredRelation(stmt.relation), replace: Boolean(stmt.replace), ...stmt.trigname ? { name: stmt.trigname } : {} }
      ];
    }
    case "CommentStmt":
      return [comment(stmt)];
    case "GrantStmt":
      if (stmt.targtype === "ACL_TARGET_OBJECT" && (stmt.objtype === "OBJECT_TABLE" || stmt.objtype === void 0)) {
        return list(stmt.objects).map((o) => ({ op: "grant", relation: requiredRelation(asKind(o, "RangeVar")) }));
      }
      return [{ op: "no-table-lock", what: "GRANT" }];
    case "VariableSetStmt":
      return [variableSet(stmt)];
    case "TransactionStmt":
      return [transaction(stmt)];
    case "DoStmt":
      return [{ op: "unknown", what: "DO block (its statements are not analysed)" }];
    case "CreateSeqStmt": {
      const owner = ownedByTable(stmt.options);
      return [{ op: "no-table-lock", what: "CREATE SEQUENCE", ...owner ? { locks: { kind: "owned-by", table: owner } } : {} }];
    }
    case "AlterSeqStmt":
      return [alterSequence(stmt)];
    case "CreateFunctionStmt":
      return [{ op: "no-table-lock", what: stmt.is_procedure ? "CREATE PROCEDURE" : "CREATE FUNCTION" }];
    case "CreateExtensionStmt":
      return [{ op: "no-table-lock", what: "CREATE EXTENSION" }];
    case "AlterExtensionStmt":
      return [{ op: "no-table-lock", what: "ALTER EXTENSION" }];
    case "CreateSchemaStmt":
      return [{ op: "no-table-lock", what: "CREATE SCHEMA" }];
    case "CompositeTypeStmt":
      return [{ op: "no-table-lock", what: "CREATE TYPE ... AS (composite type)" }];
    case "CreateDomainStmt": {
      const domain = requiredRelationFromNames(nameList(stmt.domainname));
      const checks = list(stmt.constraints).some((c) => asKind(c, "Constraint")?.contype === "CONSTR_CHECK");
      return checks ? [{ op: "domain-constraint", domain, action: "create", notValid: false }] : [{ op: "no-table-lock", what: "CREATE DOMAIN" }];
    }
    case "AlterDomainStmt": {
      const domain = requiredRelationFromNames(nameList(stmt.typeName));
      if (stmt.subtype === "C") {
        const notValid = asKind(stmt.def, "Constraint")?.skip_validation === true;
        return [{ op: "domain-constraint", domain, action: "add", notValid }];
      }
      if (stmt.subtype === "V") return [{ op: "domain-constraint", domain, action: "validate", notValid: false }];
      if (stmt.subtype === "O") return [{ op: "no-table-lock", what: "ALTER DOMAIN", locks: { kind: "domain-not-null", domain } }];
      return [{ op: "no-table-lock", what: "ALTER DOMAIN" }];
    }
    case "CreatePolicyStmt":
      return [
        {
          op: "table-object",
          table: requiredRelation(stmt.table),
          object: "policy",
          action: "create",
          ...stmt.policy_name ? { name: stmt.policy_name } : {}
        }
      ];
    case "AlterPolicyStmt":
      return [{ op: "table-object", table: requiredRelation(stmt.table), object: "policy", action: "alter" }];
    case "RuleStmt":
      return [
        { op: "table-object", table: requiredRelation(stmt.relation), object: "rule", action: "create", ...stmt.rulename ? { name: stmt.rulename } : {} }
      ];
    case "DropdbStmt":
      return [{ op: "drop-database", name: stmt.dbname ?? "" }];
    case "CreateRangeStmt":
    case "DefineStmt":
    case "CreateRoleStmt":
    case "AlterRoleStmt":
    case "AlterRoleSetStmt":
    case "GrantRoleStmt":
    case "AlterDefaultPrivilegesStmt":
    case "AlterOwnerStmt":
    case "AlterFunctionStmt":
    case "CreateCastStmt":
    case "ExplainStmt":
    case "VariableShowStmt":
    case "DiscardStmt":
    case "CheckPointStmt":
    case "NotifyStmt":
    case "ListenStmt":
    case "CallStmt":
    case "CreateEventTrigStmt":
    case "AlterEventTrigStmt":
    case "CreateSubscriptionStmt":
    case "CreatePublicationStmt":
    case "AlterPublicationStmt":
    case "CreateFdwStmt":
    case "CreateForeignServerStmt":
    case "CreateUserMappingStmt":
    case "CreateTransformStmt":
    case "CreateOpClassStmt":
    case "CreateConversionStmt":
    case "CreatedbStmt":
    case "AlterDatabaseStmt":
    case "AlterDatabaseSetStmt":
    case "AlterSystemStmt":
    case "DeallocateStmt":
    case "PrepareStmt":
    case "ExecuteStmt":
    case "DeclareCursorStmt":
    case "ClosePortalStmt":
    case "FetchStmt":
    case "CopyStmt":
    case "ConstraintsSetStmt":
    case "ReassignOwnedStmt":
    case "DropOwnedStmt":
    case "DropRoleStmt":
    case "CreatePLangStmt":
    case "SecLabelStmt":
    case "LoadStmt":
      return [{ op: "no-table-lock", what: describeKind(kind) }];
    // not modelled: their locks are unknown to locklint
    case "AlterCollationStmt":
    case "AlterDatabaseRefreshCollStmt":
    case "AlterExtensionContentsStmt":
    case "AlterFdwStmt":
    case "AlterForeignServerStmt":
    case "AlterObjectDependsStmt":
    case "AlterOpFamilyStmt":
    case "AlterOperatorStmt":
    case "AlterStatsStmt":
    case "AlterSubscriptionStmt":
    case "AlterTSConfigurationStmt":
    case "AlterTSDictionaryStmt":
    case "AlterTableMoveAllStmt":
    case "AlterTableSpaceOptionsStmt":
    case "AlterTypeStmt":
    case "AlterUserMappingStmt":
    case "CreateAmStmt":
    case "CreateForeignTableStmt":
    case "CreateOpFamilyStmt":
    case "CreateTableSpaceStmt":
    case "DropSubscriptionStmt":
    case "DropTableSpaceStmt":
    case "DropUserMappingStmt":
    case "ImportForeignSchemaStmt":
    case "MergeStmt":
    case "UnlistenStmt":
      return [{ op: "unknown", what: describeKind(kind) }];
    default:
      return [{ op: "unknown", what: describeKind(unhandledKind(kind)) }];
  }
}
function describeKind(kind) {
  return kind.replace(/Stmt$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}
function createTable(stmt) {
  const table2 = requiredRelation(stmt.relation);
  const columns = [];
  const constraints = [];
  const likes = [];
  for (const element of list(stmt.tableElts)) {
    const [kind, body3] = nodeKind(element);
    if (kind === "ColumnDef") {
      const column2 = columnSpec(body3);
      columns.push(column2);
      for (const c of column2.constraints) constraints.push(c);
    } else if (kind === "Constraint") {
      const c = constraintSpec(body3);
      if (c) constraints.push(c);
    } else if (kind === "TableLikeClause") {
      likes.push(requiredRelation(body3.relation));
    }
  }
  const parents = list(stmt.inhRelations).map((r) => requiredRelation(asKind(r, "RangeVar")));
  const isPartition = stmt.partbound !== void 0;
  const partitionKey = list(stmt.partspec?.partParams).flatMap((p) => {
    const e = asKind(p, "PartitionElem");
    return e?.name ? [e.name] : [];
  });
  return {
    op: "create-table",
    table: table2,
    kind: stmt.partspec ? "partitioned table" : "table",
    temporary: stmt.relation?.relpersistence === "t",
    unlogged: stmt.relation?.relpersistence === "u",
    ...stmt.tablespacename || stmt.accessMethod ? { storageNamed: true } : {},
    columns,
    constraints,
    partitionOf: isPartition ? parents[0] ?? null : null,
    defaultPartition: Boolean(stmt.partbound?.is_default),
    inherits: isPartition ? [] : parents,
    likes,
    partitionKey,
    ifNotExists: Boolean(stmt.if_not_exists)
  };
}
var SERIAL_TYPES = /* @__PURE__ */ new Set(["serial", "bigserial", "smallserial"]);
function columnSpec(def) {
  const type = columnType(def.typeName);
  const spec = {
    name: def.colname ?? "",
    type,
    notNull: false,
    default: null,
    generated: null,
    identity: false,
    serial: type !== null && type.schema === null && SERIAL_TYPES.has(type.name),
    constraints: [],
    location: def.location ?? 0
  };
  for (const c of list(def.constraints)) {
    const body3 = asKind(c, "Constraint");
    if (!body3) continue;
    const contype = required(body3.contype, "a constraint type");
    switch (contype) {
      case "CONSTR_NOTNULL":
        spec.notNull = true;
        break;
      case "CONSTR_DEFAULT":
        spec.default = analyzeDefault(required(body3.raw_expr, "a default expression"));
        if (spec.default.isNull) spec.default = null;
        spec.sequences = nextvalSequences(body3.raw_expr);
        break;
      case "CONSTR_IDENTITY":
        spec.identity = true;
        break;
      case "CONSTR_GENERATED":
        spec.generated = body3.generated_kind === "v" ? "virtual" : "stored";
        break;
      case "CONSTR_PRIMARY":
        spec.notNull = true;
        spec.constraints.push(columnConstraint(body3, spec.name));
        break;
      case "CONSTR_CHECK":
      case "CONSTR_UNIQUE":
      case "CONSTR_FOREIGN":
      case "CONSTR_EXCLUSION":
        spec.constraints.push(columnConstraint(body3, spec.name));
        break;
      // NULL, and the attributes of the constraint before (DEFERRABLE, ...): nothing the column keeps
      case "CONSTR_NULL":
      case "CONSTR_ATTR_DEFERRABLE":
      case "CONSTR_ATTR_NOT_DEFERRABLE":
      case "CONSTR_ATTR_DEFERRED":
      case "CONSTR_ATTR_IMMEDIATE":
      case "CONSTR_ATTR_ENFORCED":
      case "CONSTR_ATTR_NOT_ENFORCED":
        break;
      default:
        unhandledKind(contype);
    }
  }
  if (spec.serial || spec.identity) spec.notNull = true;
  return spec;
}
function columnConstraint(body3, column2) {
  const spec = constraintSpec(body3);
  if (spec.columns.length === 0) spec.columns = [column2];
  return spec;
}
var CONSTRAINT_KINDS = {
  CONSTR_CHECK: "check",
  CONSTR_FOREIGN: "foreign-key",
  CONSTR_UNIQUE: "unique",
  CONSTR_PRIMARY: "primary-key",
  CONSTR_EXCLUSION: "exclude",
  CONSTR_NOTNULL: "not-null",
  CONSTR_NULL: null,
  CONSTR_DEFAULT: null,
  CONSTR_IDENTITY: null,
  CONSTR_GENERATED: null,
  CONSTR_ATTR_DEFERRABLE: null,
  CONSTR_ATTR_NOT_DEFERRABLE: null,
  CONSTR_ATTR_DEFERRED: null,
  CONSTR_ATTR_IMMEDIATE: null,
  CONSTR_ATTR_ENFORCED: null,
  CONSTR_ATTR_NOT_ENFORCED: null
};
function constraintSpec(body3) {
  const kind = CONSTRAINT_KINDS[required(body3.contype, "a constraint type")];
  if (!kind) return null;
  let columns = nameList(kind === "foreign-key" ? body3.fk_attrs : body3.keys);
  if (kind === "exclude") {
    columns = list(body3.exclusions).flatMap((pair) => {
      const elem = asKind(list(asKind(pair, "List")?.items)[0], "IndexElem");
      return elem?.name ? [elem.name] : [];
    });
  }
  let provesNotNull = kind === "not-null" ? columns[0] ?? null : null;
  if (kind === "check") {
    const test = asKind(body3.raw_expr, "NullTest");
    const ref = test && test.nulltesttype === "IS_NOT_NULL" ? asKind(test.arg, "ColumnRef") : void 0;
    if (ref) {
      const fields = nameList(ref.fields);
      provesNotNull = fields[fields.length - 1] ?? null;
      columns = provesNotNull ? [provesNotNull] : [];
    } else {
      const referenced = /* @__PURE__ */ new Set();
      walk(body3.raw_expr, (k, b) => {
        if (k === "ColumnRef") {
          const fields = nameList(b.fields);
          if (fields.length) referenced.add(fields[fields.length - 1]);
        }
      });
      columns = [...referenced];
    }
  }
  return {
    kind,
    name: body3.conname ? body3.conname : null,
    columns,
    notValid: Boolean(body3.skip_validation),
    usingIndex: body3.indexname ? body3.indexname : null,
    references: kind === "foreign-key" ? relationName(body3.pktable) ?? null : null,
    referencedColumns: kind === "foreign-key" ? nameList(body3.pk_attrs) : [],
    provesNotNull,
    onDelete: body3.fk_del_action ?? "a",
    ...body3.is_no_inherit ? { noInherit: true } : {},
    location: body3.location ?? 0
  };
}
var NO_RELATION = { drop: "other", rename: "other", comment: "other" };
var OBJECTS = {
  OBJECT_TABLE: { drop: "table", rename: "table", comment: "relation" },
  OBJECT_VIEW: { drop: "view", rename: "table", comment: "relation" },
  OBJECT_MATVIEW: { drop: "materialized view", rename: "table", comment: "relation" },
  OBJECT_FOREIGN_TABLE: { drop: "other", rename: "table", comment: "other" },
  OBJECT_INDEX: { drop: "index", rename: "index", comment: "relation" },
  OBJECT_COLUMN: { drop: "other", rename: "column", comment: "column" },
  OBJECT_TABCONSTRAINT: { drop: "other", rename: "constraint", comment: "other" },
  OBJECT_TRIGGER: { drop: "trigger", rename: "trigger", comment: "other" },
  OBJECT_TYPE: { drop: "type", rename: "other", comment: "other" },
  OBJECT_DOMAIN: { drop: "type", rename: "other", comment: "other" },
  OBJECT_SCHEMA: { drop: "schema", rename: "schema", comment: "other" },
  OBJECT_ACCESS_METHOD: NO_RELATION,
  OBJECT_AGGREGATE: NO_RELATION,
  OBJECT_AMOP: NO_RELATION,
  OBJECT_AMPROC: NO_RELATION,
  OBJECT_ATTRIBUTE: NO_RELATION,
  OBJECT_CAST: NO_RELATION,
  OBJECT_COLLATION: NO_RELATION,
  OBJECT_CONVERSION: NO_RELATION,
  OBJECT_DATABASE: NO_RELATION,
  OBJECT_DEFAULT: NO_RELATION,
  OBJECT_DEFACL: NO_RELATION,
  OBJECT_DOMCONSTRAINT: NO_RELATION,
  OBJECT_EVENT_TRIGGER: NO_RELATION,
  OBJECT_EXTENSION: NO_RELATION,
  OBJECT_FDW: NO_RELATION,
  OBJECT_FOREIGN_SERVER: NO_RELATION,
  OBJECT_FUNCTION: NO_RELATION,
  OBJECT_LANGUAGE: NO_RELATION,
  OBJECT_LARGEOBJECT: NO_RELATION,
  OBJECT_OPCLASS: NO_RELATION,
  OBJECT_OPERATOR: NO_RELATION,
  OBJECT_OPFAMILY: NO_RELATION,
  OBJECT_PARAMETER_ACL: NO_RELATION,
  OBJECT_POLICY: { drop: "policy", rename: "other", comment: "other" },
  OBJECT_PROCEDURE: NO_RELATION,
  OBJECT_PUBLICATION: NO_RELATION,
  OBJECT_PUBLICATION_NAMESPACE: NO_RELATION,
  OBJECT_PUBLICATION_REL: NO_RELATION,
  OBJECT_ROLE: NO_RELATION,
  OBJECT_ROUTINE: NO_RELATION,
  OBJECT_RULE: { drop: "rule", rename: "other", comment: "other" },
  OBJECT_SEQUENCE: NO_RELATION,
  OBJECT_SUBSCRIPTION: NO_RELATION,
  OBJECT_STATISTIC_EXT: NO_RELATION,
  OBJECT_TABLESPACE: NO_RELATION,
  OBJECT_TRANSFORM: NO_RELATION,
  OBJECT_TSCONFIGURATION: NO_RELATION,
  OBJECT_TSDICTIONARY: NO_RELATION,
  OBJECT_TSPARSER: NO_RELATION,
  OBJECT_TSTEMPLATE: NO_RELATION,
  OBJECT_USER_MAPPING: NO_RELATION
};
function objectName(type) {
  return type.replace(/^OBJECT_/, "");
}
function dropStatement(stmt) {
  const objects = list(stmt.objects).map((o) => nameList(asKind(o, "List")?.items ?? [o]));
  const cascade = stmt.behavior === "DROP_CASCADE";
  const type = required(stmt.removeType, "the kind of object dropped");
  const dropped = OBJECTS[type].drop;
  if (type === "OBJECT_SEQUENCE" && !stmt.missing_ok)
    return objects.map((names2) => ({
      op: "no-table-lock",
      what: "DROP SEQUENCE",
      locks: { kind: "sequence-ddl", sequence: requiredRelationFromNames(names2), ...cascade ? { cascade } : {} }
    }));
  if (type === "OBJECT_STATISTIC_EXT")
    return objects.map((names2) => ({
      op: "no-table-lock",
      what: "DROP STATISTICS",
      locks: { kind: "drop-statistics", statistics: requiredRelationFromNames(names2) }
    }));
  switch (dropped) {
    case "table":
    case "view":
    case "materialized view":
      return objects.map((names2) => ({ op: "drop-relation", relation: requiredRelationFromNames(names2), kind: dropped, cascade }));
    case "index":
      return objects.map((names2) => ({ op: "drop-index", index: requiredRelationFromNames(names2), concurrent: Boolean(stmt.concurrent) }));
    case "trigger":
      return objects.map((names2) => ({
        op: "drop-trigger",
        table: requiredRelationFromNames(names2.slice(0, -1)),
        name: names2[names2.length - 1] ?? "",
        ...stmt.missing_ok ? { ifExists: true } : {}
      }));
    case "policy":
    case "rule":
      return objects.map((names2) => ({
        op: "table-object",
        table: requiredRelationFromNames(names2.slice(0, -1)),
        object: dropped,
        action: "drop",
        name: names2[names2.length - 1] ?? "",
        ...stmt.missing_ok ? { ifExists: true } : {}
      }));
    case "type":
      return list(stmt.objects).map((o) => ({
        op: "drop-type",
        type: requiredRelationFromNames(nameList(requiredKind(o, "TypeName").names)),
        ...cascade ? { cascade } : {},
        ...stmt.missing_ok ? { ifExists: true } : {}
      }));
    case "schema":
      return list(stmt.objects).map((o) => ({ op: "drop-schema", schema: requiredKind(o, "String").sval ?? "", cascade }));
    case "other":
      return [{ op: "no-table-lock", what: `DROP ${objectName(type)}` }];
  }
}
function alterSequence(stmt) {
  return { op: "alter-sequence", sequence: requiredRelation(stmt.sequence), ownedBy: ownedByTable(stmt.options) };
}
function ownedByTable(options) {
  const ownedBy = list(options).map((o) => asKind(o, "DefElem")).find((d) => d?.defname === "owned_by");
  const names2 = list(asKind(ownedBy?.arg, "List")?.items).map((n) => asKind(n, "String")?.sval ?? "");
  return names2.length >= 2 ? requiredRelationFromNames(names2.slice(0, -1)) : null;
}
function alterTable(stmt) {
  const table2 = requiredRelation(stmt.relation);
  if (stmt.objtype === "OBJECT_INDEX") return list(stmt.cmds).map((c) => alterIndexCommand(table2, requiredKind(c, "AlterTableCmd")));
  if (stmt.objtype === "OBJECT_SEQUENCE") return [{ op: "no-table-lock", what: "ALTER SEQUENCE", locks: { kind: "sequence-ddl", sequence: table2 } }];
  if (stmt.objtype === "OBJECT_TYPE") {
    return [{ op: "no-table-lock", what: "ALTER TYPE" }];
  }
  return list(stmt.cmds).flatMap((c) => alterTableCommand(table2, requiredKind(c, "AlterTableCmd")));
}
function alterIndexCommand(index, cmd) {
  if (cmd.subtype === "AT_AttachPartition") {
    return { op: "attach-index", index, partitionIndex: requiredRelation(requiredKind(cmd.def, "PartitionCmd").name) };
  }
  if (cmd.subtype === "AT_SetRelOptions" || cmd.subtype === "AT_ResetRelOptions") {
    const [operation] = alterTableCommand(index, cmd);
    if (operation?.op === "alter-table-other") return { ...operation, what: `ALTER INDEX ${operation.what}`, onIndex: true };
  }
  if (cmd.subtype === "AT_SetStatistics")
    return {
      op: "alter-table-other",
      table: index,
      form: "ALTER COLUMN SET STATISTICS",
      what: "ALTER INDEX ... SET STATISTICS",
      options: [],
      column: null,
      onIndex: true
    };
  return { op: "alter-table-other", table: index, form: "ALTER INDEX", what: "ALTER INDEX", options: [], column: null, onIndex: true };
}
function alterTableCommand(table2, cmd) {
  const column2 = cmd.name ?? "";
  const other = (form, what = form, options = [], named = null) => [
    { op: "alter-table-other", table: table2, form, what, options, column: named }
  ];
  const subtype = required(cmd.subtype, "an ALTER TABLE form");
  if (isExecutionForm(subtype)) return other("other", subtype.replace(/^AT_/, ""));
  switch (subtype) {
    case "AT_AddColumn":
    case "AT_AddColumnToView":
      return [{ op: "add-column", table: table2, column: columnSpec(requiredKind(cmd.def, "ColumnDef")), ifNotExists: Boolean(cmd.missing_ok) }];
    case "AT_DropColumn":
      return [{ op: "drop-column", table: table2, column: column2, ...cmd.behavior === "DROP_CASCADE" ? { cascade: true } : {} }];
    case "AT_AlterColumnType": {
      const def = requiredKind(cmd.def, "ColumnDef");
      const collation = def.collClause ? nameList(def.collClause.collname).join(".") : null;
      return [
        {
          op: "alter-column-type",
          table: table2,
          column: column2,
          type: columnType(def.typeName),
          using: def.raw_default !== void 0,
          location: def.location ?? 0,
          collation
        }
      ];
    }
    case "AT_SetNotNull":
      return [{ op: "set-not-null", table: table2, column: column2 }];
    case "AT_DropNotNull":
      return [{ op: "drop-not-null", table: table2, column: column2 }];
    case "AT_ColumnDefault":
      return cmd.def === void 0 ? [{ op: "drop-default", table: table2, column: column2 }] : [{ op: "set-default", table: table2, column: column2, default: analyzeDefault(cmd.def) }];
    case "AT_AddConstraint": {
      const constraint = constraintSpec(requiredKind(cmd.def, "Constraint"));
      return constraint ? [{ op: "add-constraint", table: table2, constraint }] : other("ADD CONSTRAINT");
    }
    case "AT_ValidateConstraint":
      return [{ op: "validate-constraint", table: table2, name: column2 }];
    case "AT_DropConstraint":
      return [{ op: "drop-constraint", table: table2, name: column2, cascade: cmd.behavior === "DROP_CASCADE" }];
    case "AT_AttachPartition": {
      const part = requiredKind(cmd.def, "PartitionCmd");
      return [{ op: "attach-partition", table: table2, partition: requiredRelation(part.name), defaultPartition: Boolean(part.bound?.is_default) }];
    }
    case "AT_DetachPartition":
    case "AT_DetachPartitionFinalize": {
      const part = requiredKind(cmd.def, "PartitionCmd");
      const finalize = subtype === "AT_DetachPartitionFinalize";
      return [{ op: "detach-partition", table: table2, partition: requiredRelation(part.name), concurrent: Boolean(part.concurrent), finalize }];
    }
    case "AT_EnableTrig":
    case "AT_EnableAlwaysTrig":
    case "AT_EnableReplicaTrig":
    case "AT_DisableTrig":
    case "AT_EnableTrigAll":
    case "AT_DisableTrigAll":
    case "AT_EnableTrigUser":
    case "AT_DisableTrigUser":
      return [{ op: "enable-disable-trigger", table: table2 }];
    case "AT_SetLogged":
      return other("SET LOGGED");
    case "AT_SetUnLogged":
      return other("SET UNLOGGED");
    case "AT_SetTableSpace":
    case "AT_SetAccessMethod": {
      const [operation] = other(subtype === "AT_SetTableSpace" ? "SET TABLESPACE" : "SET ACCESS METHOD");
      return operation?.op === "alter-table-other" && cmd.name ? [{ ...operation, target: cmd.name }] : operation ? [operation] : [];
    }
    case "AT_SetExpression":
      return other("ALTER COLUMN SET EXPRESSION", "ALTER COLUMN SET EXPRESSION", [], column2);
    case "AT_SetRelOptions":
    case "AT_ResetRelOptions": {
      const names2 = list(cmd.def).map((d) => {
        const e = asKind(d, "DefElem");
        return `${e?.defnamespace ? `${e.defnamespace}.` : ""}${e?.defname ?? ""}`;
      });
      const form = subtype === "AT_SetRelOptions" ? "SET (storage parameters)" : "RESET (storage parameters)";
      return other(form, form, names2);
    }
    case "AT_SetStatistics":
      return other("ALTER COLUMN SET STATISTICS");
    case "AT_SetOptions":
    case "AT_ResetOptions":
      return other("ALTER COLUMN SET/RESET (attribute options)");
    case "AT_SetStorage":
      return other("ALTER COLUMN SET STORAGE");
    case "AT_ClusterOn":
      return other("CLUSTER ON");
    case "AT_DropCluster":
      return other("SET WITHOUT CLUSTER");
    case "AT_AlterConstraint":
      return other("ALTER CONSTRAINT");
    case "AT_ChangeOwner":
      return other("OWNER TO");
    case "AT_AddIdentity":
      return other("ALTER COLUMN ADD GENERATED AS IDENTITY");
    case "AT_SetIdentity":
      return other("ALTER COLUMN SET (identity options)");
    case "AT_DropIdentity":
      return other("ALTER COLUMN DROP IDENTITY");
    case "AT_DropExpression":
      return other("ALTER COLUMN DROP EXPRESSION");
    case "AT_SetCompression":
      return other("ALTER COLUMN SET COMPRESSION");
    case "AT_ReplicaIdentity":
      return other("REPLICA IDENTITY");
    case "AT_EnableRowSecurity":
    case "AT_DisableRowSecurity":
    case "AT_ForceRowSecurity":
    case "AT_NoForceRowSecurity":
      return other("ROW LEVEL SECURITY");
    case "AT_EnableRule":
    case "AT_EnableAlwaysRule":
    case "AT_EnableReplicaRule":
    case "AT_DisableRule":
      return other("ENABLE/DISABLE RULE");
    case "AT_AddInherit":
    case "AT_DropInherit":
      return [
        {
          op: "alter-table-other",
          table: table2,
          form: subtype === "AT_AddInherit" ? "INHERIT" : "NO INHERIT",
          what: subtype === "AT_AddInherit" ? "INHERIT" : "NO INHERIT",
          options: [],
          column: null,
          parent: requiredRelation(asKind(cmd.def, "RangeVar"))
        }
      ];
    // forms with nothing to analyse: PostgreSQL's conservative default for ALTER TABLE (locks/facts.ts)
    case "AT_AddOf":
    case "AT_DropOf":
    case "AT_GenericOptions":
    case "AT_AlterColumnGenericOptions":
      return other("other", subtype.replace(/^AT_/, ""));
    default:
      return other("other", unhandledKind(subtype).replace(/^AT_/, ""));
  }
}
var EXECUTION_FORMS = [
  "AT_AddIndex",
  "AT_AddIndexConstraint",
  "AT_CookedColumnDefault",
  "AT_DropOids",
  "AT_ReAddComment",
  "AT_ReAddConstraint",
  "AT_ReAddDomainConstraint",
  "AT_ReAddIndex",
  "AT_ReAddStatistics",
  "AT_ReplaceRelOptions"
];
function isExecutionForm(subtype) {
  return EXECUTION_FORMS.includes(subtype);
}
function renameStatement(stmt) {
  const relation2 = () => requiredRelation(stmt.relation);
  const newName = stmt.newname ?? "";
  const type = required(stmt.renameType, "the kind of object renamed");
  if (type === "OBJECT_SEQUENCE") return [{ op: "no-table-lock", what: "RENAME SEQUENCE", locks: { kind: "sequence-ddl", sequence: relation2() } }];
  if (type === "OBJECT_POLICY" || type === "OBJECT_RULE")
    return [{ op: "no-table-lock", what: `RENAME ${objectName(type)}`, locks: { kind: "rename-table-object", table: relation2() } }];
  switch (OBJECTS[type].rename) {
    case "table":
      return [{ op: "rename-table", table: relation2(), newName }];
    case "column":
      return [{ op: "rename-column", table: relation2(), column: stmt.subname ?? "", newName }];
    case "index":
      return [{ op: "rename-index", index: relation2(), newName }];
    case "constraint":
      return [{ op: "rename-constraint", table: relation2(), name: stmt.subname ?? "", newName }];
    case "trigger":
      return [{ op: "alter-table-other", table: relation2(), form: "ALTER TRIGGER RENAME", what: "ALTER TRIGGER RENAME", options: [], column: null }];
    case "schema":
      return [{ op: "rename-schema", schema: stmt.subname ?? "", newName }];
    case "other":
      return [{ op: "no-table-lock", what: `RENAME ${objectName(type)}` }];
  }
}
var REINDEX_TARGETS = {
  REINDEX_OBJECT_INDEX: "index",
  REINDEX_OBJECT_TABLE: "table",
  REINDEX_OBJECT_SCHEMA: "schema",
  REINDEX_OBJECT_DATABASE: "database",
  REINDEX_OBJECT_SYSTEM: "system"
};
function reindex(stmt) {
  const concurrent = list(stmt.params).some((p) => asKind(p, "DefElem")?.defname === "concurrently");
  const target = stmt.kind ? REINDEX_TARGETS[stmt.kind] : "table";
  return {
    op: "reindex",
    target,
    relation: relationName(stmt.relation) ?? null,
    concurrent,
    ...target === "schema" && stmt.name ? { schema: stmt.name } : {}
  };
}
function vacuum(stmt) {
  const options = list(stmt.options).map((o) => asKind(o, "DefElem")?.defname ?? "");
  const full = options.includes("full");
  const analyzeOnly = !stmt.is_vacuumcmd;
  const tables = list(stmt.rels).map((r) => relationName(asKind(r, "VacuumRelation")?.relation) ?? null);
  if (tables.length === 0) return [{ op: "vacuum", table: null, full, analyzeOnly }];
  return tables.map((table2) => ({ op: "vacuum", table: table2, full, analyzeOnly }));
}
function comment(stmt) {
  const names2 = nameList(asKind(stmt.object, "List")?.items ?? []);
  const type = required(stmt.objtype, "the kind of object commented");
  const on = objectName(type);
  switch (OBJECTS[type].comment) {
    case "relation":
      return { op: "comment", relation: requiredRelationFromNames(names2), on };
    case "column":
      return { op: "comment", relation: requiredRelationFromNames(names2.slice(0, -1)), on };
    case "other":
      if ((type === "OBJECT_TABCONSTRAINT" || type === "OBJECT_TRIGGER" || type === "OBJECT_POLICY") && names2.length >= 2)
        return { op: "comment", relation: null, on, tableOf: requiredRelationFromNames(names2.slice(0, -1)) };
      if (type === "OBJECT_TYPE" || type === "OBJECT_DOMAIN") {
        const typeNames = nameList(asKind(stmt.object, "TypeName")?.names ?? []);
        if (typeNames.length) return { op: "comment", relation: null, on, type: requiredRelationFromNames(typeNames) };
      }
      return { op: "comment", relation: null, on };
  }
}
function variableSet(stmt) {
  const name = (stmt.name ?? "").toLowerCase();
  const local = Boolean(stmt.is_local);
  if (stmt.kind === "VAR_SET_VALUE") {
    const value = list(stmt.args).map((a) => constText(a) ?? "").join(", ");
    return { op: "set", name, value, local };
  }
  return { op: "set", name: stmt.kind === "VAR_RESET_ALL" ? "all" : name, value: null, local };
}
var TRANSACTION_KINDS = {
  TRANS_STMT_BEGIN: "begin",
  TRANS_STMT_START: "begin",
  TRANS_STMT_COMMIT: "commit",
  TRANS_STMT_ROLLBACK: "rollback",
  TRANS_STMT_PREPARE: "commit",
  TRANS_STMT_SAVEPOINT: "savepoint",
  TRANS_STMT_RELEASE: "savepoint",
  TRANS_STMT_ROLLBACK_TO: "savepoint",
  TRANS_STMT_COMMIT_PREPARED: "other",
  TRANS_STMT_ROLLBACK_PREPARED: "other"
};
function transaction(stmt) {
  return { op: "transaction", kind: stmt.kind ? TRANSACTION_KINDS[stmt.kind] : "other", chain: Boolean(stmt.chain) };
}
function whereColumns(where) {
  if (where === void 0) return null;
  const columns = /* @__PURE__ */ new Set();
  walk(where, (kind, body3) => {
    if (kind !== "ColumnRef") return;
    const name = asKind(list(body3.fields).at(-1), "String")?.sval;
    if (typeof name === "string") columns.add(name);
  });
  return [...columns];
}
function nextvalSequences(expr) {
  const found = [];
  walk(expr, (kind, body3) => {
    if (kind !== "FuncCall") return;
    const name = nameList(body3.funcname);
    if (name[name.length - 1] !== "nextval") return;
    walk(list(body3.args)[0], (k, b) => {
      const text2 = k === "String" ? b.sval : k === "A_Const" ? b.sval?.sval : void 0;
      if (typeof text2 === "string") found.push(text2.split(".").pop().replace(/"/g, ""));
    });
  });
  return found;
}
function mentionedColumns(node) {
  const found = /* @__PURE__ */ new Set();
  let star = false;
  walk(node, (kind, body3) => {
    if (kind !== "ColumnRef") return;
    const fields = list(body3.fields);
    if (fields.some((f) => asKind(f, "A_Star"))) star = true;
    const last = asKind(fields[fields.length - 1], "String")?.sval;
    if (last) found.add(last);
  });
  return star ? null : [...found];
}
function readRelations(node) {
  const ctes = /* @__PURE__ */ new Set();
  const found = [];
  walk(node, (kind, body3) => {
    if (kind === "CommonTableExpr" && body3.ctename) ctes.add(body3.ctename);
    else if (kind === "RangeVar") {
      const rel = relationName(body3);
      if (rel) found.push(rel);
    }
  });
  const seen = /* @__PURE__ */ new Set();
  return found.filter((r) => {
    if (r.schema === null && ctes.has(r.name)) return false;
    if (seen.has(r.written)) return false;
    seen.add(r.written);
    return true;
  });
}

// src/sql/parse-batch.ts
var parser;
async function loadParser() {
  parser ??= await instantiateParser();
}
function loaded() {
  if (!parser) throw new Error("the SQL parser is used before loadParser()");
  return parser;
}
async function instantiateParser() {
  const consoleError = console.error;
  console.error = () => {
  };
  try {
    const module = await Promise.resolve().then(() => __toESM(require_wasm(), 1));
    await module.loadModule();
    return module;
  } catch (error) {
    if (isWasmReservationFailure(error)) throw new UsageError(wasmMemoryMessage());
    throw error;
  } finally {
    console.error = consoleError;
  }
}
function isWasmReservationFailure(error) {
  return /Cannot allocate Wasm memory|Out of memory/i.test(error instanceof Error ? error.message : String(error));
}
function wasmMemoryMessage() {
  const limit = addressSpaceLimit();
  const given = limit === void 0 ? "the address-space limit" : `the address-space limit (ulimit -v: ${Math.round(limit / 1024)} KiB)`;
  return `cannot start the SQL parser: ${given} is below the ~10 GiB of virtual memory Node.js reserves for WebAssembly; raise it (ulimit -v unlimited) or run Node.js with --disable-wasm-trap-handler (Node.js 20.15 or later)`;
}
function addressSpaceLimit() {
  try {
    const match = /^Max address space\s+(\d+)/m.exec(readFileSync4("/proc/self/limits", "utf8"));
    return match ? Number(match[1]) : void 0;
  } catch {
    return void 0;
  }
}
var SEPARATOR = "\n;\n";
function parseStatements(texts) {
  if (texts.length > 1) {
    try {
      const stmts = loaded().parseSync(texts.join(SEPARATOR)).stmts ?? [];
      if (stmts.length === texts.length) {
        let base = 0;
        return texts.map((text2, i) => {
          const parse2 = { operations: readOperations2(stmts[i].stmt, base), error: null };
          base += utf8Length(text2, 0, text2.length) + SEPARATOR.length;
          return parse2;
        });
      }
    } catch {
    }
  }
  return texts.map(parseOne);
}
function parseOne(text2) {
  try {
    const stmts = loaded().parseSync(text2).stmts ?? [];
    if (stmts.length > 1) {
      return { operations: [], error: { message: "several statements where one was expected; is a semicolon missing inside a function body?", cursor: 0 } };
    }
    return { operations: readOperations2(stmts[0]?.stmt, 0), error: null };
  } catch (error) {
    const details = error.sqlDetails;
    if (!details) return { operations: [unreadable(error)], error: null };
    return { operations: [], error: { message: error instanceof Error ? error.message : String(error), cursor: details.cursorPosition ?? 0 } };
  }
}
function readOperations2(ast, base) {
  if (!ast) return [];
  try {
    return operationsOf(ast, base);
  } catch (error) {
    return [unreadable(error)];
  }
}
function unreadable(error) {
  return { op: "unknown", what: "statement locklint could not read", failure: `reading it failed: ${error instanceof Error ? error.message : String(error)}` };
}
function parseTree(sql) {
  return loaded().parseSync(sql);
}
function identifiersOf(sql) {
  const { scanSync } = loaded();
  try {
    return scanSync(sql).tokens.filter((t) => t.tokenName === "IDENT").map((t) => ({ name: t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase(), at: t.start }));
  } catch {
    return [];
  }
}

// src/lint/advice.ts
function lockOn(locks, relation2) {
  const key = relation2.schema && relation2.schema !== "public" ? `${relation2.schema}.${relation2.name}` : relation2.name;
  return locks.filter((l) => l.key === key);
}
function existingLockOn(locks, relation2) {
  return lockOn(locks, relation2).find((l) => l.novelty === null);
}
function operationsOfKind(operations, kind) {
  return operations.map((e) => e.operation).filter((o) => o.op === kind);
}
function addedConstraints(operation) {
  if (operation.op === "add-constraint") return { table: operation.table, constraints: [operation.constraint] };
  if (operation.op === "add-column") return { table: operation.table, constraints: operation.column.constraints };
  return null;
}
function py(value) {
  return JSON.stringify(value);
}
function pyList(values) {
  return `[${values.map(py).join(", ")}]`;
}
function opTable(relation2) {
  return relation2.schema ? `${py(relation2.name)}, schema=${py(relation2.schema)}` : py(relation2.name);
}
function ident(name) {
  return sqlName(name);
}
function sqlName(name) {
  const bare2 = quoteIdent(name);
  if (bare2 !== name) return bare2;
  try {
    const stmt = asKind(parseTree(`ALTER TABLE ${name} VALIDATE CONSTRAINT ${name}`).stmts?.[0]?.stmt, "AlterTableStmt");
    if (stmt?.relation?.relname === name) return name;
  } catch {
  }
  return `"${name}"`;
}
function qualified(relation2) {
  return relation2.schema ? `${sqlName(relation2.schema)}.${sqlName(relation2.name)}` : sqlName(relation2.name);
}
function insertAfter(sql, leading, keyword) {
  const match = leading.exec(sql);
  return match ? `${sql.slice(0, match[0].length)} ${keyword}${sql.slice(match[0].length)}` : sql;
}
var AUTOCOMMIT_NOTE = "alembic runs each migration inside a transaction; `with op.get_context().autocommit_block():` commits it, runs the block outside any transaction, and opens a new one after";
var LOCK_TIMEOUT_SQL = "SET lock_timeout = '5s';";
function* codeChars(sql, from = 0) {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      i++;
      while (i < sql.length && !(sql[i] === ch && sql[i + 1] !== ch)) i += sql[i] === ch ? 2 : 1;
      i++;
      continue;
    }
    if (ch === "-" && next === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (ch === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag && !/[\w$]/.test(sql[i - 1] ?? "")) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? sql.length : end + tag[0].length;
        continue;
      }
    }
    if (ch === ")") depth--;
    yield { i, ch, depth };
    if (ch === "(") depth++;
    i++;
  }
}
function charIndex(sql, byteOffset) {
  return Buffer.from(sql, "utf8").subarray(0, byteOffset).toString("utf8").length;
}
function body(sql) {
  let end = sql.length;
  for (const c of codeChars(sql)) if (c.ch === ";" && c.depth === 0) end = Math.min(end, c.i);
  const text2 = sql.slice(0, end).trimEnd();
  let last = -1;
  for (const c of codeChars(text2)) last = c.i;
  return last < text2.length - 1 && /--[^\n]*$/.test(text2) ? `${text2}
` : text2;
}
function parenthesized(sql, from, depth0 = 0) {
  let open2 = -1;
  const cuts = [];
  for (const c of codeChars(sql, from)) {
    if (open2 < 0) {
      if (c.ch === "(" && c.depth === depth0) open2 = c.i;
      continue;
    }
    if (c.ch === "," && c.depth === depth0 + 1) cuts.push(c.i);
    if (c.ch === ")" && c.depth === depth0) {
      const bounds = [open2, ...cuts, c.i];
      return { items: bounds.slice(1).map((b, k) => sql.slice(bounds[k] + 1, b).trim()), start: open2, end: c.i + 1 };
    }
  }
  return null;
}
function keywordAt(sql, from, keyword) {
  const re = new RegExp(`^${keyword}\\b`, "i");
  for (const c of codeChars(sql, from)) if (c.depth === 0 && /[A-Za-z]/.test(c.ch) && !/[\w$]/.test(sql[c.i - 1] ?? "") && re.test(sql.slice(c.i))) return c.i;
  return -1;
}
function pyText(sql) {
  return `sa.text(${py(sql)})`;
}
function opExecute(sql) {
  return `op.execute(${py(sql)})`;
}
function storageValue(node) {
  const value = constText(node) ?? nameList(node)[0] ?? "";
  return /^-?\d+(\.\d+)?$/.test(value) ? value : py(value);
}
function concurrentIndexAdvice(sql) {
  const stmt = asKind(parseTree(sql).stmts?.[0]?.stmt, "IndexStmt");
  if (!stmt?.relation) return null;
  const text2 = body(sql);
  const advisedSql = `${insertAfter(text2, /^\s*CREATE\s+(UNIQUE\s+)?INDEX/i, "CONCURRENTLY")};`;
  const fallback = `with op.get_context().autocommit_block():
    ${opExecute(advisedSql.slice(0, -1))}`;
  const table2 = relationName(stmt.relation);
  if (!table2 || !stmt.idxname || !stmt.relation.inh) return { sql: advisedSql, alembic: fallback };
  const params = parenthesized(text2, charIndex(text2, stmt.relation.location ?? 0));
  const elems = list(stmt.indexParams).map((p) => asKind(p, "IndexElem"));
  if (!params || params.items.length !== elems.length || elems.some((e) => !e)) return { sql: advisedSql, alembic: fallback };
  const columns = [];
  const ops = [];
  elems.forEach((e, k) => {
    const opclass = nameList(e.opclass);
    const plain = e.name && !e.collation && list(e.opclassopts).length === 0 && !e.ordering?.endsWith("DESC") && e.ordering !== "SORTBY_USING";
    const defaultNulls = !e.nulls_ordering || e.nulls_ordering === "SORTBY_NULLS_DEFAULT";
    if (plain && defaultNulls && opclass.length <= 1) {
      columns.push(py(e.name));
      if (opclass.length) ops.push(`${py(e.name)}: ${py(opclass[0])}`);
    } else columns.push(pyText(params.items[k]));
  });
  const args = [py(stmt.idxname), py(table2.name), `[${columns.join(", ")}]`];
  if (stmt.unique) args.push("unique=True");
  if (table2.schema) args.push(`schema=${py(table2.schema)}`);
  if (stmt.if_not_exists) args.push("if_not_exists=True");
  if (stmt.accessMethod && stmt.accessMethod !== "btree") args.push(`postgresql_using=${py(stmt.accessMethod)}`);
  if (ops.length) args.push(`postgresql_ops={${ops.join(", ")}}`);
  const include = list(stmt.indexIncludingParams).map((p) => asKind(p, "IndexElem")?.name);
  if (include.some((n) => !n)) return { sql: advisedSql, alembic: fallback };
  if (include.length) args.push(`postgresql_include=${pyList(include)}`);
  if (stmt.nulls_not_distinct) args.push("postgresql_nulls_not_distinct=True");
  const options = list(stmt.options).map((o) => asKind(o, "DefElem"));
  if (options.some((o) => !o?.defname || o.defnamespace)) return { sql: advisedSql, alembic: fallback };
  if (options.length) args.push(`postgresql_with={${options.map((o) => `${py(o.defname)}: ${storageValue(o.arg)}`).join(", ")}}`);
  if (stmt.tableSpace) args.push(`postgresql_tablespace=${py(stmt.tableSpace)}`);
  if (stmt.whereClause) {
    const where = keywordAt(text2, params.end, "WHERE");
    if (where < 0) return { sql: advisedSql, alembic: fallback };
    args.push(`postgresql_where=${pyText(text2.slice(where + 5).trim())}`);
  }
  args.push("postgresql_concurrently=True");
  return { sql: advisedSql, alembic: `with op.get_context().autocommit_block():
    op.create_index(${args.join(", ")})` };
}
function partitionedIndexAdvice(sql) {
  const stmt = asKind(parseTree(sql).stmts?.[0]?.stmt, "IndexStmt");
  if (!stmt?.relation || !stmt.idxname) return null;
  const text2 = body(sql);
  const after = charIndex(text2, stmt.relation.location ?? 0);
  const params = parenthesized(text2, after);
  if (!params) return null;
  const using = keywordAt(text2, after, "USING");
  const rest = text2.slice(using >= 0 && using < params.start ? using : params.start);
  const head = text2.slice(0, charIndex(text2, stmt.relation.location ?? 0)).replace(/\bONLY\s+$/i, "");
  const parent = qualified({ schema: stmt.relation.schemaname ?? null, name: stmt.relation.relname ?? "", written: "" });
  const unique = stmt.unique ? "UNIQUE " : "";
  return [
    `${head}ONLY ${parent} ${rest};`,
    "-- for each partition:",
    `CREATE ${unique}INDEX CONCURRENTLY <partition_index> ON <partition> ${rest};`,
    `ALTER INDEX ${sqlName(stmt.idxname)} ATTACH PARTITION <partition_index>;`
  ].join("\n");
}
var FK_ACTIONS = { a: null, r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };
function notValidSql(sql, location) {
  const text2 = body(sql);
  const start = charIndex(text2, location);
  let end = text2.length;
  for (const c of codeChars(text2, start)) {
    if (c.depth === 0 && c.ch === ",") {
      end = c.i;
      break;
    }
  }
  const head = text2.slice(0, end).replace(/\s+$/, "");
  const tail = text2.slice(head.length);
  const sep2 = /--[^\n]*$/.test(head.slice(head.lastIndexOf("\n") + 1)) && !/\n$/.test(head) ? "\n" : " ";
  return `${head}${sep2}NOT VALID${tail}`;
}
function notValidAdvice(sql, table2, constraint, name) {
  const addSql = notValidSql(sql, constraint.location);
  const validate = `ALTER TABLE ${qualified(table2)} VALIDATE CONSTRAINT ${sqlName(name)}`;
  const later = `# in a later revision (or after a COMMIT):
${opExecute(validate)}`;
  const fallback = `${opExecute(addSql)}
${later}`;
  const node = constraintNode(sql, constraint.location);
  const multiple = list(asKind(parseTree(sql).stmts?.[0]?.stmt, "AlterTableStmt")?.cmds).length !== 1;
  if (!node || multiple) return { sql: `${addSql};
${validate};`, alembic: fallback };
  const args = [py(name)];
  let call;
  if (constraint.kind === "foreign-key") {
    const referenced = relationName(node.pktable);
    const local = nameList(node.fk_attrs);
    const remote = nameList(node.pk_attrs);
    const onDelete = FK_ACTIONS[node.fk_del_action ?? "a"];
    const onUpdate = FK_ACTIONS[node.fk_upd_action ?? "a"];
    if (!referenced || remote.length === 0 || onDelete === void 0 || onUpdate === void 0 || list(node.fk_del_set_cols).length || node.fk_with_period)
      return { sql: `${addSql};
${validate};`, alembic: fallback };
    args.push(py(table2.name), py(referenced.name), pyList(local), pyList(remote));
    if (onUpdate) args.push(`onupdate=${py(onUpdate)}`);
    if (onDelete) args.push(`ondelete=${py(onDelete)}`);
    if (node.deferrable) args.push("deferrable=True");
    if (node.initdeferred) args.push(`initially="DEFERRED"`);
    if (node.fk_matchtype === "f") args.push(`match="FULL"`);
    else if (node.fk_matchtype === "p") args.push(`match="PARTIAL"`);
    if (table2.schema) args.push(`source_schema=${py(table2.schema)}`);
    if (referenced.schema) args.push(`referent_schema=${py(referenced.schema)}`);
    call = "op.create_foreign_key";
  } else if (constraint.kind === "check") {
    const check = keywordAt(sql, charIndex(sql, constraint.location), "CHECK");
    const condition = check < 0 ? null : parenthesized(sql, check);
    if (!condition || condition.items.length === 0 || node.is_no_inherit) return { sql: `${addSql};
${validate};`, alembic: fallback };
    args.push(
      py(table2.name),
      py(
        sql.slice(check, condition.end).replace(/^CHECK\s*\(/i, "").replace(/\)$/, "").trim()
      )
    );
    if (table2.schema) args.push(`schema=${py(table2.schema)}`);
    call = "op.create_check_constraint";
  } else return { sql: `${addSql};
${validate};`, alembic: fallback };
  args.push("postgresql_not_valid=True");
  return { sql: `${addSql};
${validate};`, alembic: `${call}(${args.join(", ")})
${later}` };
}
function constraintNode(sql, location) {
  let found;
  walk(parseTree(sql), (kind, node) => {
    if (kind === "Constraint" && !found && node.location === location) found = node;
  });
  return found;
}
function columnAsWritten(sql, columnLocation) {
  let column2;
  walk(parseTree(sql), (kind, node) => {
    if (kind === "ColumnDef" && !column2 && node.location === columnLocation) column2 = node;
  });
  if (!column2) return { type: null, default: null };
  const text2 = body(sql);
  const itemEnd = (from) => {
    for (const c of codeChars(text2, from)) if (c.depth === 0 && c.ch === ",") return c.i;
    return text2.length;
  };
  const constraints = list(column2.constraints).flatMap((c) => asKind(c, "Constraint") ?? []);
  const starts = constraints.map((c) => c.location === void 0 ? -1 : charIndex(text2, c.location));
  const typeStart = column2.typeName?.location === void 0 ? -1 : charIndex(text2, column2.typeName.location);
  const type = typeStart < 0 ? null : text2.slice(typeStart, starts.find((s) => s > typeStart) ?? itemEnd(typeStart)).trim() || null;
  const k = constraints.findIndex((c) => c.contype === "CONSTR_DEFAULT");
  const start = starts[k] ?? -1;
  if (k < 0 || start < 0 || !/^DEFAULT\b/i.test(text2.slice(start))) return { type, default: null };
  const end = starts[k + 1] ?? itemEnd(start);
  return { type, default: text2.slice(start + "DEFAULT".length, end).trim() || null };
}

// src/lint/rule.ts
function defineRule(rule) {
  if (!/^[a-z]+(-[a-z]+)*$/.test(rule.id)) throw new Error(`rule id "${rule.id}" must be kebab-case`);
  return rule;
}
function existingLocks(locks) {
  return locks.filter((l) => l.novelty === null);
}

// rules/adding-field-with-volatile-default.ts
var adding_field_with_volatile_default_default = defineRule({
  id: "adding-field-with-volatile-default",
  severity: "error",
  durationHazard: true,
  summary: "ADD COLUMN whose value is computed per row rewrites the table under ACCESS EXCLUSIVE",
  docs: {
    why: "Since PostgreSQL 11, `ADD COLUMN ... DEFAULT <constant or stable expression>` is instant: the value is computed once and kept in the catalog. A volatile default (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`), a serial or identity column, or a stored generated column must be computed for every existing row: PostgreSQL rewrites the whole table and its indexes while holding ACCESS EXCLUSIVE, so reads and writes wait for the rewrite. Before PostgreSQL 11 every non-null default rewrites.",
    example: "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();",
    useInstead: "ALTER TABLE orders ADD COLUMN public_id uuid;\nALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();",
    alembic: 'op.add_column("orders", sa.Column("public_id", sa.Uuid(), nullable=True))\nop.alter_column("orders", "public_id", server_default=sa.text("gen_random_uuid()"))\n# then backfill existing rows in batches, in a later revision or a script',
    notes: "SET DEFAULT on an existing column never rewrites: it applies to future rows only. `now()` and `CURRENT_TIMESTAMP` are stable, not volatile: they do not rewrite. A default calling a function locklint does not know is reported as a warning.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES",
      "https://www.postgresql.org/docs/current/xfunc-volatility.html"
    ]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "add-column") continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock?.rewrite) continue;
      const certain = !effect.perRowDefault || effect.perRowDefault.unknown.length === 0 || effect.perRowDefault.volatile.length > 0;
      const sequenceBacked = op.column.serial || op.column.identity;
      const written = columnAsWritten(ctx.statement.sql, op.column.location);
      const expression = written.default;
      const type = written.type ?? (op.column.type ? formatType(op.column.type) : "<type>");
      ctx.report({
        message: `adding column ${op.column.name} rewrites existing table ${op.table.written} under ACCESS EXCLUSIVE (reads and writes wait): ${lock.why.join("; ")}`,
        help: sequenceBacked ? {
          text: "Add a plain nullable column, attach a sequence as its default (SET DEFAULT does not rewrite), backfill existing rows in batches, then add NOT NULL the safe way.",
          sql: `ALTER TABLE ${op.table.written} ADD COLUMN ${op.column.name} bigint;
CREATE SEQUENCE ${op.table.name}_${op.column.name}_seq OWNED BY ${op.table.written}.${op.column.name};
ALTER TABLE ${op.table.written} ALTER COLUMN ${op.column.name} SET DEFAULT nextval('${op.table.name}_${op.column.name}_seq');`,
          alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(op.column.name)}, sa.BigInteger(), nullable=True))
op.execute("CREATE SEQUENCE ${op.table.name}_${op.column.name}_seq OWNED BY ${op.table.name}.${op.column.name}")
op.alter_column(${opTable(op.table)}, ${py(op.column.name)}, server_default=sa.text("nextval('${op.table.name}_${op.column.name}_seq')"))`
        } : {
          text: "Add the column without the default, then set the default (future rows only), then backfill existing rows in batches.",
          sql: `ALTER TABLE ${op.table.written} ADD COLUMN ${op.column.name} ${type};
ALTER TABLE ${op.table.written} ALTER COLUMN ${op.column.name} SET DEFAULT ${expression ?? "<expression>"};`,
          alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(op.column.name)}, ..., nullable=True))
op.alter_column(${opTable(op.table)}, ${py(op.column.name)}, server_default=sa.text(${py(expression ?? "<expression>")}))`
        },
        at: op.column.location,
        severity: certain ? "error" : "warning",
        locks: [lock]
      });
    }
  }
});

// rules/adding-primary-key.ts
var adding_primary_key_default = defineRule({
  id: "adding-primary-key",
  severity: "error",
  durationHazard: true,
  summary: "ADD PRIMARY KEY builds its index (and checks NOT NULL) under ACCESS EXCLUSIVE",
  docs: {
    why: "`ADD PRIMARY KEY` (alembic's `op.create_primary_key`) builds a unique index and makes its columns NOT NULL while holding ACCESS EXCLUSIVE: no reads, no writes until the table has been read, sorted and checked. Build the unique index concurrently first, make the columns NOT NULL the safe way, then attach the index with `ADD CONSTRAINT ... PRIMARY KEY USING INDEX`, which is instant.",
    example: "ALTER TABLE events ADD PRIMARY KEY (id);",
    useInstead: "CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\nALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;\nALTER TABLE events ALTER COLUMN id SET NOT NULL;\nALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("events_pkey", "events", ["id"], unique=True, postgresql_concurrently=True)\n# make id NOT NULL the safe way (see setting-not-null), then:\nop.execute("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey")',
    notes: "With USING INDEX on columns that may hold NULLs, PostgreSQL still scans the table for NULLs under ACCESS EXCLUSIVE: reported as a warning. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const added = addedConstraints(effect.operation);
      const constraint = added?.constraints.find((c) => c.kind === "primary-key");
      if (!added || !constraint) continue;
      const op = added;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const t = op.table.written;
      const name = constraint.name ?? `${op.table.name}_pkey`;
      if (constraint.usingIndex) {
        if (!lock.scan) continue;
        ctx.report({
          message: `PRIMARY KEY USING INDEX on ${t}: the key columns are not known to be NOT NULL, so PostgreSQL scans the table for NULLs under ACCESS EXCLUSIVE`,
          help: {
            text: "Make the key columns NOT NULL first, the safe way (CHECK ... NOT VALID, VALIDATE, SET NOT NULL), then attach the index."
          },
          severity: "warning",
          at: constraint.location,
          locks: [lock]
        });
        continue;
      }
      const columns = constraint.columns.length ? constraint.columns : effect.operation.op === "add-column" ? [effect.operation.column.name] : [];
      ctx.report({
        message: `PRIMARY KEY ${name} builds its index on existing table ${t} under ACCESS EXCLUSIVE: reads and writes wait for the build`,
        help: {
          text: `Build a unique index concurrently (${AUTOCOMMIT_NOTE}), make the columns NOT NULL without a long lock, then attach the index as the primary key.`,
          sql: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${t} (${columns.join(", ")});
-- NOT NULL on ${columns.join(", ")} via CHECK ... NOT VALID + VALIDATE + SET NOT NULL
ALTER TABLE ${t} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${name};`,
          alembic: `with op.get_context().autocommit_block():
    op.create_index(${py(name)}, ${opTable(op.table)}, ${pyList(columns)}, unique=True, postgresql_concurrently=True)
op.execute(${py(`ALTER TABLE ${t} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${name}`)})`
        },
        at: constraint.location,
        locks: [lock]
      });
    }
  }
});

// rules/adding-required-field.ts
var adding_required_field_default = defineRule({
  id: "adding-required-field",
  severity: "error",
  summary: "ADD COLUMN ... NOT NULL without a default fails on a table that has rows",
  docs: {
    why: "PostgreSQL has nothing to put in the new column for the rows already there, so `ADD COLUMN ... NOT NULL` without a DEFAULT fails with `column contains null values` as soon as the table holds one row. It passes in development on an empty table and breaks the deploy. Since PostgreSQL 11 a constant DEFAULT is stored in the catalog and the column is added instantly, without a rewrite.",
    example: "ALTER TABLE users ADD COLUMN status text NOT NULL;",
    useInstead: "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
    alembic: 'op.add_column("users", sa.Column("status", sa.Text(), nullable=False, server_default="active"))',
    notes: "If no constant default makes sense: add the column nullable, backfill it in batches, then make it NOT NULL the safe way (see setting-not-null). Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-COLUMN"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "add-column" || !effect.requiredWithoutDefault) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const column2 = op.column;
      ctx.report({
        message: `NOT NULL column ${column2.name} without a default on existing table ${op.table.written}: the statement fails if ${op.table.written} has any row`,
        help: {
          text: "Give the column a constant server default (instant since PostgreSQL 11), or add it nullable, backfill it, and add NOT NULL in a later revision.",
          sql: `${ctx.statement.sql.replace(/\s*;?\s*$/, "")} DEFAULT <constant>;`,
          alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(column2.name)}, ..., nullable=False, server_default=<constant>))`
        },
        at: column2.location,
        locks: [lock]
      });
    }
  }
});

// rules/adding-unique-constraint.ts
var adding_unique_constraint_default = defineRule({
  id: "adding-unique-constraint",
  severity: "error",
  durationHazard: true,
  summary: "ADD CONSTRAINT ... UNIQUE builds its index under ACCESS EXCLUSIVE",
  docs: {
    why: "`ADD CONSTRAINT ... UNIQUE` (alembic's `op.create_unique_constraint`) builds a unique index while holding ACCESS EXCLUSIVE on the table: no reads and no writes until the whole table is read and sorted. Build the index first with `CREATE UNIQUE INDEX CONCURRENTLY` (no write block), then attach it: `ADD CONSTRAINT ... UNIQUE USING INDEX` only takes the lock for an instant.",
    example: "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    useInstead: "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("users_email_key", "users", ["email"], unique=True, postgresql_concurrently=True)\nop.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key")',
    notes: "A unique index alone already enforces uniqueness; the constraint is only needed as the target of a foreign key or of ON CONFLICT ON CONSTRAINT. Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX",
      "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY"
    ]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const added = addedConstraints(effect.operation);
      if (!added) continue;
      for (const constraint of added.constraints) {
        if (constraint.kind !== "unique" || constraint.usingIndex) continue;
        const lock = existingLockOn(ctx.effects.locks, added.table);
        if (!lock) continue;
        const name = constraint.name ?? `${added.table.name}_${constraint.columns.join("_")}_key`;
        const t = added.table.written;
        ctx.report({
          message: `UNIQUE constraint ${name} builds its index on existing table ${t} under ACCESS EXCLUSIVE: reads and writes wait for the build`,
          help: {
            text: `Build the unique index concurrently (${AUTOCOMMIT_NOTE}), then attach it with USING INDEX.`,
            sql: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${t} (${constraint.columns.join(", ")});
ALTER TABLE ${t} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name};`,
            alembic: `with op.get_context().autocommit_block():
    op.create_index(${py(name)}, ${opTable(added.table)}, ${pyList(constraint.columns)}, unique=True, postgresql_concurrently=True)
op.execute(${py(`ALTER TABLE ${t} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}`)})`
          },
          at: constraint.location,
          locks: [lock]
        });
      }
    }
  }
});

// src/locks/versions.ts
var OLDEST_PG_VERSION = 11;
var NEWEST_PG_VERSION = 18;
var FEATURES = {
  /** ADD COLUMN ... DEFAULT <non-volatile> stores the value in the catalog: no rewrite. Older majors are refused, so this is always true. */
  fastColumnDefault: 11,
  /** SET NOT NULL skips its scan when a validated CHECK (col IS NOT NULL) proves it. */
  setNotNullCheckProof: 12,
  /** ALTER TYPE ... ADD VALUE may run inside a transaction block. */
  enumAddValueInTransaction: 12,
  /** REINDEX ... CONCURRENTLY exists. */
  reindexConcurrently: 12,
  /** ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE (was ACCESS EXCLUSIVE). */
  renameIndexShareUpdateExclusive: 12,
  /** ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent (was ACCESS EXCLUSIVE). */
  attachPartitionShareUpdateExclusive: 12,
  /** ALTER INDEX ... ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the partitioned index (was ACCESS EXCLUSIVE). */
  attachIndexShareUpdateExclusive: 12,
  /** timestamp <-> timestamptz keeps the stored values (no rewrite) when the session time zone is UTC. */
  timestampTzUtcWithoutRewrite: 12,
  /** DETACH PARTITION ... CONCURRENTLY exists. */
  detachPartitionConcurrently: 14,
  /** Plain DETACH PARTITION locks the partition ACCESS EXCLUSIVE (was SHARE UPDATE EXCLUSIVE). */
  detachPartitionAccessExclusive: 14,
  /** ALTER COLUMN ... SET EXPRESSION exists. */
  setExpression: 17,
  /** ADD CONSTRAINT ... NOT NULL col NOT VALID, and VALIDATE CONSTRAINT of a NOT NULL constraint. */
  notNullNotValid: 18,
  /** GRANT / REVOKE on a table lock it ACCESS SHARE (before, no relation lock). */
  grantLocksTable: 18,
  /** ADD CONSTRAINT ... CHECK ... NO INHERIT locks the inheritance children ACCESS EXCLUSIVE (before, they were not locked). */
  noInheritCheckLocksChildren: 18,
  /** Virtual generated columns (the default kind from 18): added without a rewrite. */
  virtualGeneratedColumns: 18
};
function since(feature, pgVersion) {
  return pgVersion >= FEATURES[feature];
}

// src/lint/type-names.ts
var SQL_NAMES = {
  int2: "smallint",
  int4: "integer",
  int8: "bigint",
  float4: "real",
  float8: "double precision",
  bool: "boolean",
  bpchar: "char"
};
function sqlType(type) {
  return formatType({ ...type, name: SQL_NAMES[type.name] ?? type.name });
}
function saType(type) {
  const base = saBaseType(type);
  if (!base) return null;
  return type.array ? `postgresql.ARRAY(${base})` : base;
}
function saBaseType(type) {
  if (type.schema) return null;
  const [p, s] = type.mods;
  switch (type.name) {
    case "int2":
      return "sa.SmallInteger()";
    case "int4":
      return "sa.Integer()";
    case "int8":
      return "sa.BigInteger()";
    case "text":
      return "sa.Text()";
    case "varchar":
      return p === void 0 ? "sa.String()" : `sa.String(length=${p})`;
    case "bpchar":
      return p === void 0 ? "sa.CHAR()" : `sa.CHAR(length=${p})`;
    case "bool":
      return "sa.Boolean()";
    case "numeric":
      return p === void 0 ? "sa.Numeric()" : s === void 0 ? `sa.Numeric(precision=${p})` : `sa.Numeric(precision=${p}, scale=${s})`;
    case "float8":
      return "sa.Float(precision=53)";
    case "float4":
      return "sa.REAL()";
    case "date":
      return "sa.Date()";
    case "timestamp":
      return "sa.DateTime()";
    case "timestamptz":
      return "sa.DateTime(timezone=True)";
    case "time":
      return "sa.Time()";
    case "interval":
      return "sa.Interval()";
    case "bytea":
      return "sa.LargeBinary()";
    case "uuid":
      return "sa.Uuid()";
    case "json":
      return "sa.JSON()";
    case "jsonb":
      return "postgresql.JSONB()";
    case "inet":
      return "postgresql.INET()";
    case "cidr":
      return "postgresql.CIDR()";
    default:
      return null;
  }
}

// rules/changing-column-type.ts
var changing_column_type_default = defineRule({
  id: "changing-column-type",
  severity: "error",
  durationHazard: true,
  summary: "ALTER COLUMN ... TYPE that rewrites the table under ACCESS EXCLUSIVE",
  docs: {
    why: "Changing a column's type takes ACCESS EXCLUSIVE and, unless the old type is binary-compatible with the new one, rewrites the whole table and rebuilds its indexes: nobody can read or write the table until it finishes. No rewrite: varchar(n) to varchar(m > n), to unconstrained varchar or to text; numeric(p,s) to numeric(q > p, s) or unconstrained numeric; cidr to inet; timestamp to timestamptz when the session time zone is UTC (PostgreSQL 12+). Everything else, including any USING clause, rewrites. locklint reads the old type from the statements before; when it cannot know it, it says so as a warning.",
    example: "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;",
    useInstead: "ALTER TABLE orders ADD COLUMN quantity_new bigint;\n-- backfill in batches, keep both in sync (trigger or application), then swap in a later revision",
    alembic: 'op.add_column("orders", sa.Column("quantity_new", sa.BigInteger(), nullable=True))\n# backfill in batches and keep in sync; in a later revision switch the code and drop the old column',
    notes: "Widening varchar or moving to text is safe and does not fire. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "alter-column-type" || !effect.typeChange?.rewrite) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const verdict = effect.typeChange;
      const newColumn = `${op.column}_new`;
      const written = writtenTypeChange(ctx.statement.sql, op.location);
      const type = written?.type ?? (op.type ? sqlType(op.type) : "<new type>");
      const definition = written?.collate ? `${type} COLLATE ${written.collate}` : type;
      const value = written?.using ?? `${ident(op.column)}::${type}`;
      const t = op.table.written;
      const sa = op.type && !written?.collate ? saType(op.type) : null;
      ctx.report({
        message: verdict.certain ? `changing the type of ${t}.${op.column} rewrites the table under ACCESS EXCLUSIVE (reads and writes wait): ${verdict.reason}` : `changing the type of ${t}.${op.column} takes ACCESS EXCLUSIVE and may rewrite the table: ${verdict.reason}`,
        help: {
          text: `Expand and contract: add a new column of the new type, backfill it in batches while writes go to both, switch the code to it, then drop the old column in a later revision.${shortcut(verdict.from, op.type, ctx.pgVersion)}`,
          sql: `ALTER TABLE ${t} ADD COLUMN ${ident(newColumn)} ${definition};
-- backfill in batches: UPDATE ${t} SET ${ident(newColumn)} = ${value} WHERE id BETWEEN ... ;`,
          alembic: `${sa ? `op.add_column(${opTable(op.table)}, sa.Column(${py(newColumn)}, ${sa}, nullable=True))` : `op.execute(${py(`ALTER TABLE ${t} ADD COLUMN ${ident(newColumn)} ${definition}`)})`}
# backfill in batches, switch the code, then in a later revision:
# op.drop_column(${opTable(op.table)}, ${py(op.column)}); op.alter_column(..., new_column_name=${py(op.column)})`
        },
        at: op.location,
        severity: verdict.certain ? "error" : "warning",
        locks: [lock]
      });
    }
  }
});
function shortcut(from, to, pgVersion) {
  const names2 = [from?.name, to?.name];
  if (since("timestampTzUtcWithoutRewrite", pgVersion) && names2.includes("timestamp") && names2.includes("timestamptz")) {
    return " Or run `SET LOCAL timezone = 'UTC'` first: from PostgreSQL 12 the change then keeps the stored values and does not rewrite.";
  }
  const strings2 = ["varchar", "text", "bpchar"];
  if (from && to && strings2.includes(from.name) && strings2.includes(to.name)) {
    return " To change a length limit: widening varchar, or moving to text, does not rewrite; enforce a shorter limit with a CHECK constraint added NOT VALID, then validated.";
  }
  return "";
}
function writtenTypeChange(sql, location) {
  const rest = Buffer.from(sql, "utf8").subarray(location).toString("utf8");
  const keyword = /^\s*(?:"(?:[^"]|"")*"|[^\s"]+)\s+(?:SET\s+DATA\s+)?TYPE\s+/i.exec(rest);
  if (!keyword) return null;
  const tail = rest.slice(keyword[0].length);
  const type = clause(tail, /^(?:USING|COLLATE)\b/i);
  if (!type.text) return null;
  const after = tail.slice(type.end);
  const collate = /^COLLATE\s+((?:"(?:[^"]|"")*"|[^\s,;"]+)(?:\.(?:"(?:[^"]|"")*"|[^\s,;"]+))?)\s*/i.exec(after);
  const usingPart = after.slice(collate ? collate[0].length : 0);
  const using = /^USING\s+/i.exec(usingPart);
  return { type: type.text, collate: collate?.[1] ?? null, using: using ? clause(usingPart.slice(using[0].length), null).text || null : null };
}
function clause(text2, stop2) {
  let depth = 0;
  let i = 0;
  for (; i < text2.length; i++) {
    const c = text2[i];
    if (c === "'" || c === '"') {
      const close2 = text2.indexOf(c, i + 1);
      i = close2 < 0 ? text2.length : close2;
      continue;
    }
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && (c === "," || c === ";")) break;
    else if (depth === 0 && stop2 && /\s/.test(text2[i - 1] ?? " ") && stop2.test(text2.slice(i))) break;
  }
  return { text: text2.slice(0, i).trim(), end: i };
}

// rules/concurrent-index-in-transaction.ts
var concurrent_index_in_transaction_default = defineRule({
  id: "concurrent-index-in-transaction",
  severity: "error",
  summary: "A CONCURRENTLY statement inside a transaction block fails at run time",
  docs: {
    why: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY` and `DETACH PARTITION ... CONCURRENTLY` commit their own internal transactions, so PostgreSQL refuses them inside BEGIN ... COMMIT with `cannot run inside a transaction block`. alembic wraps every migration in a transaction, so a plain `postgresql_concurrently=True` fails on deploy.",
    example: "BEGIN;\nCREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);\nCOMMIT;",
    useInstead: "COMMIT;\nCREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);\nBEGIN;",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_customer_id", "orders", ["customer_id"], postgresql_concurrently=True)',
    notes: "`autocommit_block()` prints `COMMIT;` before the block and `BEGIN;` after it in `--sql` output, which is what this rule sees. Setting `transaction_per_migration=False` does not help: the run is still one transaction.",
    references: [
      "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY",
      "https://alembic.sqlalchemy.org/en/latest/api/runtime.html#alembic.runtime.migration.MigrationContext.autocommit_block"
    ]
  },
  check(ctx) {
    const reason = ctx.effects.nonTransactionalReason;
    if (!ctx.inTransactionBlock || !reason || !reason.includes("CONCURRENTLY")) return;
    ctx.report({
      message: `${reason} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails`,
      help: {
        text: `Run it outside the transaction: ${AUTOCOMMIT_NOTE}.`,
        sql: `COMMIT;
${ctx.statement.sql};
BEGIN;`,
        alembic: "with op.get_context().autocommit_block():\n    ...  # the op.* call with postgresql_concurrently=True"
      }
    });
  }
});

// rules/constraint-missing-not-valid.ts
var constraint_missing_not_valid_default = defineRule({
  id: "constraint-missing-not-valid",
  severity: "error",
  durationHazard: true,
  summary: "ADD CONSTRAINT CHECK / FOREIGN KEY validates every row while holding the lock",
  docs: {
    why: "Adding a CHECK constraint takes ACCESS EXCLUSIVE (no reads, no writes) and a FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables (no writes), and both then read every existing row to validate them, holding the lock throughout. With `NOT VALID` the constraint is added instantly and enforced for new rows; `VALIDATE CONSTRAINT` later checks the old rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.",
    example: "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);",
    useInstead: "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;",
    alembic: 'op.create_foreign_key("orders_customer_id_fkey", "orders", "customers", ["customer_id"], ["id"], postgresql_not_valid=True)\n# in a later revision (or after a COMMIT):\nop.execute("ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey")',
    notes: "VALIDATE in the same transaction as the NOT VALID gains nothing: the first lock is still held. Put it in the next revision, or behind autocommit_block(). Constraints on tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      const added = addedConstraints(op);
      if (!added) continue;
      const validated = added.constraints.filter(
        (c) => !c.notValid && (c.kind === "check" || op.op === "add-constraint" && (c.kind === "foreign-key" || c.kind === "not-null"))
      );
      for (const constraint of validated) {
        const lock = existingLockOn(ctx.effects.locks, added.table);
        if (!lock?.scan) continue;
        const locks = [lock];
        const referenced = constraint.references ? existingLockOn(ctx.effects.locks, constraint.references) : void 0;
        if (referenced) locks.push(referenced);
        const name = constraint.name ?? `${added.table.name}_${constraint.columns.join("_")}_${constraint.kind === "foreign-key" ? "fkey" : "check"}`;
        const kind = constraint.kind === "foreign-key" ? "FOREIGN KEY" : constraint.kind === "not-null" ? "NOT NULL" : "CHECK";
        const blocked = lock.blocks.includes("reads") ? "reads and writes" : "writes";
        const t = added.table.written;
        ctx.report({
          message: `${kind} constraint ${name} validates every row of existing table ${t} while holding ${lock.mode}: ${blocked} wait${constraint.references ? ` (on ${constraint.references.written} too)` : ""}`,
          help: op.op === "add-constraint" ? {
            text: "Add the constraint NOT VALID (instant, enforced for new rows), then VALIDATE it in a separate transaction, which does not block reads or writes.",
            ...notValidAdvice(ctx.statement.sql, added.table, constraint, name)
          } : {
            text: "Add the constraint NOT VALID (instant, enforced for new rows), then VALIDATE it in a separate transaction, which does not block reads or writes.",
            sql: `ALTER TABLE ${t} ADD COLUMN ... ;  -- without the CHECK
ALTER TABLE ${t} ADD CONSTRAINT ${name} CHECK (...) NOT VALID;
ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
            alembic: `op.create_check_constraint(${py(name)}, ${opTable(added.table)}, "<condition>", postgresql_not_valid=True)
# next revision:
op.execute(${py(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${name}`)})`
          },
          at: constraint.location,
          locks
        });
      }
    }
  }
});

// rules/dropping-column.ts
var dropping_column_default = defineRule({
  id: "dropping-column",
  severity: "warning",
  summary: "DROP COLUMN breaks application instances that still select the column",
  docs: {
    why: "Dropping a column is quick (ACCESS EXCLUSIVE for an instant, no rewrite), but the application version still running during the deploy selects it: SQLAlchemy names every mapped column in its queries, so they fail until the new version is everywhere. The data is gone for good.",
    example: "ALTER TABLE users DROP COLUMN legacy_flag;",
    useInstead: "-- revision N, deployed with code whose model no longer maps legacy_flag:\nALTER TABLE users ALTER COLUMN legacy_flag DROP NOT NULL;  -- so that the new code's INSERTs work\n-- revision N+1, after that deploy: the DROP COLUMN itself (reported again, as a reminder to check)",
    alembic: `# first deploy code whose models no longer map the column; then, in a later revision:
op.execute("SET lock_timeout = '5s'")
op.drop_column("users", "legacy_flag")`,
    notes: "locklint cannot see whether the code still uses the column; it asks you to check, and the drop in the later revision is reported too. Columns of tables created earlier in the same revision are exempt. Dropping a column that carries a foreign key also takes ACCESS EXCLUSIVE on the table it references (PostgreSQL drops the key's triggers there): the finding names that lock too.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "drop-column") continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const neighbours = effect.locks.filter((l) => l.kind === "table" && l.key !== lock.key && l.novelty === null);
      const alsoLocked = neighbours.length ? `; its foreign key also takes ${neighbours.map((l) => `${l.mode} on ${l.relation}`).join(", ")}` : "";
      ctx.report({
        message: `dropping ${op.table.written}.${op.column}: application instances that still map the column fail until they are replaced${alsoLocked}`,
        help: {
          text: "Stop using the column first (remove it from the models and deploy), then drop it in a later revision.",
          alembic: `# after the code no longer maps it:
op.drop_column(${opTable(op.table)}, ${py(op.column)})`
        },
        locks: [lock, ...neighbours.map((n) => ctx.effects.locks.find((l) => l.key === n.key) ?? n)]
      });
    }
  }
});

// rules/dropping-table.ts
var dropping_table_default = defineRule({
  id: "dropping-table",
  severity: "warning",
  summary: "DROP TABLE removes data that running code may still use",
  docs: {
    why: "DROP TABLE takes ACCESS EXCLUSIVE on the table and on every table its foreign keys point to, waits for running queries, and removes the data for good. Application instances still running during the deploy fail on every query that touches it.",
    example: "DROP TABLE audit_log;",
    useInstead: "-- revision N: no SQL; deploy code that no longer uses audit_log\n-- revision N+1, after that deploy: SET lock_timeout = '5s'; DROP TABLE audit_log; (reported again, as a reminder to check)",
    alembic: `# after the code no longer uses it:
op.execute("SET lock_timeout = '5s'")
op.drop_table("audit_log")`,
    notes: "locklint cannot see whether the code still uses the table; it asks you to check. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-droptable.html"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "drop-relation" || op.kind !== "table") continue;
      const lock = existingLockOn(ctx.effects.locks, op.relation);
      if (!lock) continue;
      const others = effect.locks.filter((l) => l.key !== lock.key && l.novelty === null);
      ctx.report({
        message: `dropping table ${op.relation.written}: its data is gone and running code that uses it fails${others.length ? `; also locks ${others.map((l) => l.relation).join(", ")} ACCESS EXCLUSIVE` : ""}`,
        help: {
          text: "Stop using the table first (deploy code without it), then drop it in a later revision, with a lock_timeout."
        },
        locks: [lock, ...others]
      });
    }
  }
});

// rules/renaming-column.ts
var renaming_column_default = defineRule({
  id: "renaming-column",
  severity: "warning",
  summary: "RENAME COLUMN breaks the application instances still running the old code",
  docs: {
    why: "The rename itself is quick (ACCESS EXCLUSIVE for an instant), but during a deploy the old version of the application keeps running until the new one replaces it, and every query it sends with the old column name fails. SQLAlchemy selects every mapped column by name, so even code that never touches the column breaks.",
    example: "ALTER TABLE users RENAME COLUMN name TO full_name;",
    useInstead: "ALTER TABLE users ADD COLUMN full_name text;\n-- deploy code that writes both columns; backfill; switch reads; drop name in a later revision",
    alembic: 'op.add_column("users", sa.Column("full_name", sa.Text(), nullable=True))\n# deploy code writing both, backfill, switch reads, then in a later revision:\n# op.drop_column("users", "name")',
    notes: "Columns of tables created earlier in the same revision are exempt, and so are columns added earlier in it (the swap of a new column into an old one's name: the drop of the old one is reported by dropping-column). If the application can be stopped during the deploy, a rename is fine: disable the rule for that revision.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME"]
  },
  check(ctx) {
    const added = ctx.unitState(() => /* @__PURE__ */ new Set());
    const columnKey = (table2, column2) => `${relationKey(table2.schema, table2.name)}.${column2}`;
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op === "add-column") added.add(columnKey(op.table, op.column.name));
      if (op.op !== "rename-column") continue;
      if (added.has(columnKey(op.table, op.column))) {
        added.add(columnKey(op.table, op.newName));
        continue;
      }
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const type = ctx.columnType(op.table, op.newName) ?? ctx.columnType(op.table, op.column);
      const sql = type ? sqlType(type) : `<type of ${op.column}>`;
      const sa = type ? saType(type) : `<type of ${op.column}>`;
      const table2 = qualified(op.table);
      const addColumn = `ALTER TABLE ${table2} ADD COLUMN ${ident(op.newName)} ${sql}`;
      ctx.report({
        message: `renaming ${op.table.written}.${op.column} to ${op.newName} breaks running code that still uses ${op.column}`,
        help: {
          text: "Expand and contract: add the new column, write to both, backfill, move reads to the new column, then drop the old one in a later revision.",
          sql: `${addColumn};
-- backfill: UPDATE ${table2} SET ${ident(op.newName)} = ${ident(op.column)} (in batches)`,
          alembic: `${sa ? `op.add_column(${opTable(op.table)}, sa.Column(${py(op.newName)}, ${sa}, nullable=True))` : `op.execute(${py(addColumn)})`}
# later revision: op.drop_column(${opTable(op.table)}, ${py(op.column)})`
        },
        locks: [lock]
      });
    }
  }
});

// rules/renaming-table.ts
var renaming_table_default = defineRule({
  id: "renaming-table",
  severity: "warning",
  summary: "RENAME TABLE breaks the application instances still running the old code",
  docs: {
    why: "The rename takes ACCESS EXCLUSIVE only briefly, but every query the old application version sends to the old name fails from that moment until the new version is everywhere.",
    example: "ALTER TABLE customers RENAME TO clients;",
    useInstead: "CREATE VIEW clients AS SELECT * FROM customers;\n-- a simple view is updatable: move the code to clients, and rename the table in a later revision,\n-- once nothing uses the old name (DROP VIEW clients; ALTER TABLE customers RENAME TO clients;)",
    alembic: 'op.execute("CREATE VIEW clients AS SELECT * FROM customers")\n# move the code to clients; in a later revision, once nothing uses customers:\n# op.execute("DROP VIEW clients"); op.rename_table("customers", "clients")',
    notes: "A simple view over one table is updatable, so the old name keeps working for reads and writes during the deploy. Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME",
      "https://www.postgresql.org/docs/current/sql-createview.html#SQL-CREATEVIEW-UPDATABLE-VIEWS"
    ]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "rename-table") continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock || lock.kind === "view") continue;
      const old = op.table.written;
      ctx.report({
        message: `renaming ${old} to ${op.newName} breaks running code that still uses ${old}`,
        help: {
          text: "Keep the old name working during the deploy with a view, and drop the view in a later revision.",
          sql: `${ctx.statement.sql};
CREATE VIEW ${old} AS SELECT * FROM ${op.newName};`,
          alembic: `op.rename_table(${JSON.stringify(op.table.name)}, ${JSON.stringify(op.newName)})
op.execute(${JSON.stringify(`CREATE VIEW ${old} AS SELECT * FROM ${op.newName}`)})`
        },
        locks: [lock]
      });
    }
  }
});

// rules/require-concurrent-index-creation.ts
var require_concurrent_index_creation_default = defineRule({
  id: "require-concurrent-index-creation",
  severity: "error",
  durationHazard: true,
  summary: "CREATE INDEX without CONCURRENTLY blocks writes to an existing table for the whole build",
  docs: {
    why: "`CREATE INDEX` takes a SHARE lock on the table: reads go on, but every INSERT, UPDATE and DELETE waits until the index is built, which reads the whole table and sorts it. On a large table that is minutes of failed or queued writes. `CREATE INDEX CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE instead, which does not block writes; it reads the table twice and cannot run inside a transaction block.",
    example: "CREATE INDEX ix_orders_customer_id ON orders (customer_id);",
    useInstead: "CREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_customer_id", "orders", ["customer_id"], postgresql_concurrently=True)',
    notes: "Tables created earlier in the same revision (or transaction, without revision markers) are exempt: nobody else can see them yet. A concurrent build that fails leaves an INVALID index behind: drop it and retry. Partitioned tables cannot be indexed concurrently: build the index on each partition concurrently, then `CREATE INDEX ... ON ONLY parent` and `ALTER INDEX ... ATTACH PARTITION`.",
    references: ["https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "create-index")) {
      if (op.concurrent) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const name = op.index?.name ?? `ix_${op.table.name}_${op.columns.join("_")}`;
      const partitioned = lock.kind === "partitioned table";
      const advice = partitioned ? null : concurrentIndexAdvice(ctx.statement.sql);
      ctx.report({
        message: `CREATE INDEX on existing table ${op.table.written} takes a SHARE lock: writes to ${op.table.written} wait until the whole index is built`,
        help: partitioned ? {
          text: `${op.table.written} is partitioned, and CONCURRENTLY does not work on a partitioned table: create the index on each partition with CONCURRENTLY, then create it ON ONLY the parent and attach each partition's index.`,
          sql: partitionedIndexAdvice(ctx.statement.sql) ?? `CREATE INDEX ${name} ON ONLY ${op.table.written} (...);
-- for each partition:
CREATE INDEX CONCURRENTLY <partition_index> ON <partition> (...);
ALTER INDEX ${name} ATTACH PARTITION <partition_index>;`
        } : {
          text: `Build the index with CONCURRENTLY, outside the transaction (${AUTOCOMMIT_NOTE}).`,
          sql: advice?.sql ?? insertAfter(ctx.statement.sql, /^\s*CREATE\s+(UNIQUE\s+)?INDEX/i, "CONCURRENTLY") + ";",
          alembic: advice?.alembic ?? `with op.get_context().autocommit_block():
    op.create_index(${py(name)}, ${opTable(op.table)}, ${pyList(op.columns)}${op.unique ? ", unique=True" : ""}, postgresql_concurrently=True)`
        },
        locks: [lock]
      });
    }
  }
});

// rules/require-concurrent-index-deletion.ts
var require_concurrent_index_deletion_default = defineRule({
  id: "require-concurrent-index-deletion",
  severity: "warning",
  summary: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table",
  docs: {
    why: "`DROP INDEX` takes ACCESS EXCLUSIVE on the table the index belongs to. The drop itself is quick, but it must first wait for every running query on the table to finish, and while it waits every new query on the table, reads included, queues behind it. `DROP INDEX CONCURRENTLY` waits for those queries without blocking anyone (SHARE UPDATE EXCLUSIVE); it cannot run inside a transaction block.",
    example: "DROP INDEX ix_orders_customer_id;",
    useInstead: "DROP INDEX CONCURRENTLY ix_orders_customer_id;",
    alembic: 'with op.get_context().autocommit_block():\n    op.drop_index("ix_orders_customer_id", table_name="orders", postgresql_concurrently=True)',
    notes: "Indexes created earlier in the same revision are exempt. An index that backs a constraint cannot be dropped this way: drop the constraint.",
    references: ["https://www.postgresql.org/docs/current/sql-dropindex.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "drop-index")) {
      if (op.concurrent) continue;
      const locks = ctx.effects.operations.find((e) => e.operation === op)?.locks ?? [];
      if (locks.length === 0 || locks.some((l) => l.novelty !== null)) continue;
      const table2 = locks.find((l) => l.kind !== "index");
      const on = table2 ? ` on table ${table2.relation}` : " on its table";
      ctx.report({
        message: `DROP INDEX ${op.index.written} takes ACCESS EXCLUSIVE${on}: it waits for running queries, and every query queues behind it`,
        help: {
          text: `Drop the index with CONCURRENTLY, outside the transaction (${AUTOCOMMIT_NOTE}).`,
          sql: insertAfter(ctx.statement.sql, /^\s*DROP\s+INDEX/i, "CONCURRENTLY") + ";",
          alembic: `with op.get_context().autocommit_block():
    op.drop_index(${py(op.index.name)}${table2 ? `, table_name=${py(table2.relation)}` : ""}, postgresql_concurrently=True)`
        },
        locks
      });
    }
  }
});

// src/locks/modes.ts
var CONFLICTS = {
  "ACCESS SHARE": ["ACCESS EXCLUSIVE"],
  "ROW SHARE": ["EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "ROW EXCLUSIVE": ["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE UPDATE EXCLUSIVE": ["SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  SHARE: ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE ROW EXCLUSIVE": ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  EXCLUSIVE: ["ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "ACCESS EXCLUSIVE": LOCK_MODES
};
function conflicts(a, b) {
  return CONFLICTS[a].includes(b);
}
function blockedBy(mode) {
  const blocked = [];
  if (conflicts(mode, "ACCESS SHARE")) blocked.push("reads");
  if (conflicts(mode, "ROW EXCLUSIVE")) blocked.push("writes");
  if (conflicts(mode, "SHARE UPDATE EXCLUSIVE") || conflicts(mode, "SHARE")) blocked.push("ddl");
  return blocked;
}
var BLOCKED_ORDER = ["reads", "writes", "ddl"];
function unionBlocked(...lists) {
  return BLOCKED_ORDER.filter((x) => lists.some((list2) => list2.includes(x)));
}
function stronger(a, b) {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}
function lockModeFromPgLocks(mode) {
  const spaced = mode.replace(/Lock$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
  return LOCK_MODES.includes(spaced) ? spaced : void 0;
}
function blocksReadsOrWrites(mode) {
  return conflicts(mode, "ACCESS SHARE") || conflicts(mode, "ROW EXCLUSIVE");
}

// src/locks/session.ts
var Session = class {
  values = /* @__PURE__ */ new Map();
  set(name, value, local, place) {
    if (name === "all" && value === null) {
      this.values.clear();
      return;
    }
    if (local && place.transaction === null) return;
    if (value === null) {
      this.values.delete(name);
      return;
    }
    this.values.set(name, {
      value,
      unit: place.revision ? place.unit.key : null,
      transaction: local ? place.transaction : null
    });
  }
  get(name, place) {
    const setting2 = this.values.get(name);
    if (!setting2) return void 0;
    if (setting2.unit !== null && setting2.unit !== place.unit.key) return void 0;
    if (setting2.transaction !== null && setting2.transaction !== place.transaction) return void 0;
    return setting2.value;
  }
};
function isDisabledTimeout(value) {
  if (value === void 0) return true;
  return /^\s*0+\s*(ms|s|min|h|d)?\s*$/i.test(value);
}
var UNIT_MS = { us: 1e-3, ms: 1, s: 1e3, min: 6e4, h: 36e5, d: 864e5 };
function timeoutMs(value) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/i.exec(value);
  if (!match) return void 0;
  return Number(match[1]) * UNIT_MS[(match[2] ?? "ms").toLowerCase()];
}

// rules/require-lock-timeout.ts
var QUEUEING = ["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"];
var require_lock_timeout_default = defineRule({
  id: "require-lock-timeout",
  severity: "warning",
  summary: "A lock that blocks writes or reads (SHARE and stronger) on an existing table with no lock_timeout set",
  docs: {
    why: "A lock request waits for every running transaction holding a conflicting lock on the table, however long, and while it waits every new request that conflicts with it queues behind it. For ACCESS EXCLUSIVE (most ALTER TABLE forms, DROP) that is every query, reads included; for SHARE (CREATE INDEX without CONCURRENTLY), SHARE ROW EXCLUSIVE (ADD FOREIGN KEY, on both tables; CREATE TRIGGER) and EXCLUSIVE (REFRESH MATERIALIZED VIEW CONCURRENTLY) it is every INSERT, UPDATE and DELETE. A migration stuck behind one slow report (or, for the modes that block only writes, one long write transaction) takes the table down. `SET lock_timeout` makes the migration give up instead (and retry later), which costs a failed deploy rather than an outage.",
    example: "ALTER TABLE orders ADD COLUMN note text;",
    useInstead: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
    alembic: `# in each risky migration:
op.execute("SET lock_timeout = '5s'")
# or once for all, in env.py before context.run_migrations():
context.execute("SET lock_timeout = '5s'")`,
    notes: "Fires at the first statement that takes SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE or ACCESS EXCLUSIVE on a relation that existed before the revision (so also at CREATE TABLE ... REFERENCES an existing table, which takes SHARE ROW EXCLUSIVE on it); tables created in the same revision or transaction are invisible to other sessions and do not count, nor do SHARE UPDATE EXCLUSIVE and weaker modes (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT), which block neither reads nor writes. Reported once per revision (once per transaction without revision markers). A lock_timeout set inside one revision does not count for the next: each revision is deployed on its own. One set before the first revision (env.py) counts for all. `SET LOCAL` lasts until COMMIT.",
    references: [
      "https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT",
      "https://www.postgresql.org/docs/current/explicit-locking.html"
    ]
  },
  check(ctx) {
    const lock = strongest(existingLocks(ctx.effects.locks).filter((l) => QUEUEING.includes(l.mode)));
    if (!lock || !isDisabledTimeout(ctx.setting("lock_timeout"))) return;
    if (!ctx.firstTime(ctx.place.unit.key)) return;
    const scope = ctx.place.unit.label === "statement" ? "" : ` (first such statement in this ${ctx.place.unit.label})`;
    const queued = lock.mode === "ACCESS EXCLUSIVE" ? "every query" : "every write";
    ctx.report({
      message: `${lock.mode} on existing ${lock.kind} ${lock.relation} with no lock_timeout: if any transaction holds a conflicting lock on it, this statement waits and ${queued} on ${lock.relation} queues behind it${scope}`,
      help: {
        text: "Set a lock_timeout before the first statement that takes a strong lock, so the migration fails fast instead of stalling the table.",
        sql: LOCK_TIMEOUT_SQL,
        alembic: `op.execute("SET lock_timeout = '5s'")  # first line of upgrade(); or context.execute(...) in env.py`
      },
      locks: [lock]
    });
  }
});
function strongest(locks) {
  let best;
  for (const l of locks) if (!best || LOCK_MODES.indexOf(l.mode) > LOCK_MODES.indexOf(best.mode)) best = l;
  return best;
}

// rules/setting-not-null.ts
var setting_not_null_default = defineRule({
  id: "setting-not-null",
  severity: "error",
  durationHazard: true,
  summary: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE",
  docs: {
    why: "`ALTER COLUMN ... SET NOT NULL` (alembic's `op.alter_column(..., nullable=False)`) takes ACCESS EXCLUSIVE and reads every row to prove there is no NULL: reads and writes wait for the full scan. From PostgreSQL 12 the scan is skipped when a validated `CHECK (col IS NOT NULL)` constraint already proves it, and that constraint can be added without a long lock: `NOT VALID` first (instant), then `VALIDATE CONSTRAINT` (SHARE UPDATE EXCLUSIVE: reads and writes go on).",
    example: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    useInstead: "-- each statement in its own transaction (autocommit), or the first in one revision and the rest in the next\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;",
    alembic: '# revision 1:\nop.create_check_constraint("users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)\n# revision 2 (its own transaction, so the VALIDATE scan blocks neither reads nor writes):\nop.execute("ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null")\nop.alter_column("users", "email", nullable=False)\nop.drop_constraint("users_email_not_null", "users", type_="check")',
    notes: "From PostgreSQL 18, `ADD CONSTRAINT ... NOT NULL col NOT VALID` followed by `VALIDATE CONSTRAINT` does the same in two steps (the help says so with `--pg-version 18`). Before PostgreSQL 12 the scan cannot be avoided this way. Run the VALIDATE in its own transaction (a revision of its own, or after COMMIT) so that its scan does not extend a stronger lock taken earlier.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "set-not-null" || effect.notNullProof) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock?.scan) continue;
      const check = `${op.table.name}_${op.column}_not_null`;
      const t = op.table.written;
      ctx.report({
        message: `SET NOT NULL on ${t}.${op.column} scans the whole table under ACCESS EXCLUSIVE: reads and writes wait until it finishes${ctx.tableKnown(op.table) ? "" : ` (${t} was created before this script: a validated CHECK proving the column non-null would not be known here)`}`,
        help: since("notNullNotValid", ctx.pgVersion) ? {
          text: "From PostgreSQL 18 a NOT NULL constraint can itself be added NOT VALID (instant) and validated in a later transaction under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.",
          sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} NOT NULL ${op.column} NOT VALID;
-- in a later transaction:
ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`,
          alembic: `# revision 1:
op.execute(${py(`ALTER TABLE ${t} ADD CONSTRAINT ${check} NOT NULL ${op.column} NOT VALID`)})
# revision 2 (its own transaction):
op.execute(${py(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${check}`)})`
        } : since("setNotNullCheckProof", ctx.pgVersion) ? {
          text: "Prove the column non-null with a CHECK constraint added NOT VALID and validated separately (no long lock); SET NOT NULL then skips the scan.",
          sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${op.column} IS NOT NULL) NOT VALID;
ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};
ALTER TABLE ${t} ALTER COLUMN ${op.column} SET NOT NULL;
ALTER TABLE ${t} DROP CONSTRAINT ${check};`,
          alembic: `# revision 1:
op.create_check_constraint(${py(check)}, ${opTable(op.table)}, ${py(`${op.column} IS NOT NULL`)}, postgresql_not_valid=True)
# revision 2 (its own transaction):
op.execute(${py(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${check}`)})
op.alter_column(${opTable(op.table)}, ${py(op.column)}, nullable=False)
op.drop_constraint(${py(check)}, ${opTable(op.table)}, type_="check")`
        } : {
          text: "Before PostgreSQL 12 SET NOT NULL always scans. Keep a CHECK (col IS NOT NULL) constraint instead of NOT NULL (added NOT VALID, validated in its own transaction), or run it when the table is quiet.",
          sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${op.column} IS NOT NULL) NOT VALID;
ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`
        },
        locks: [lock]
      });
    }
  }
});

// rules/syntax-error.ts
var syntax_error_default = defineRule({
  id: "syntax-error",
  severity: "error",
  summary: "A statement PostgreSQL cannot parse",
  docs: {
    why: "PostgreSQL's own parser rejects the statement, so the migration fails when it reaches it, after every earlier statement of the transaction ran (and is rolled back). locklint reports PostgreSQL's message at the place the parser stopped and still analyses every other statement.",
    example: "ALTER TABLE users ADD COLUMN nickname text DEFALT '';",
    useInstead: "ALTER TABLE users ADD COLUMN nickname text DEFAULT '';",
    alembic: "Check the text given to op.execute(): alembic prints it verbatim.",
    references: ["https://www.postgresql.org/docs/current/sql-commands.html"]
  },
  check(ctx) {
    const problem = ctx.statement.syntaxError;
    if (!problem) return;
    ctx.report({
      message: `PostgreSQL cannot parse this statement: ${problem.message}`,
      help: { text: "Fix the SQL at the marked place. If alembic printed it, it comes from an op.execute() string or a dialect option." },
      at: problem.at,
      locks: []
    });
  }
});

// rules/alembic-offline-failure.ts
function readFailure(body3) {
  const at2 = body3.indexOf(FAILURE_MARK);
  if (at2 < 0 || body3.slice(0, at2).trim() !== "") return null;
  try {
    const value = JSON.parse(body3.slice(at2 + FAILURE_MARK.length));
    return typeof value === "object" && value !== null && typeof value.revision === "string" ? value : null;
  } catch {
    return null;
  }
}
var GUARD = `from alembic import context, op

def upgrade():
    op.add_column("users", sa.Column("score", sa.Integer()))
    if context.is_offline_mode():
        # no database offline: say it in SQL, set-based
        op.execute("UPDATE users SET score = 1 WHERE score IS NULL")
    else:
        conn = op.get_bind()
        for row in conn.execute(sa.text("SELECT id FROM users")).fetchall():
            ...`;
var alembic_offline_failure_default = defineRule({
  id: "alembic-offline-failure",
  severity: "error",
  summary: "A revision alembic cannot render in offline mode (--sql), so its SQL goes unchecked",
  docs: {
    why: "`alembic upgrade --sql` runs every migration function without a database: `op.get_bind()` returns a connection that only prints what it is given, so code that reads rows gets nothing back and fails (`'NoneType' object has no attribute 'fetchall'`), and code that imports what is not installed fails too. `locklint alembic` runs each revision guarded: the failing revision is reported here, at the .py line that raised, and the statements it would have printed after that line are missing from the lint. A revision that cannot render offline also cannot be reviewed as SQL or run by a DBA from a script.",
    example: `-- Running upgrade 0006 -> 0007

ALTER TABLE users ADD COLUMN score integer;

-- ${FAILURE_MARK} {"direction": "upgrade", "revision": "0007", "file": "migrations/versions/0007_backfill.py", "line": 18, "error": "AttributeError: 'NoneType' object has no attribute 'fetchall'"}`,
    useInstead: "-- Running upgrade 0006 -> 0007\n\nALTER TABLE users ADD COLUMN score integer;\n\nUPDATE users SET score = 1 WHERE score IS NULL;",
    alembic: GUARD,
    notes: "The comment it reads is printed by `locklint alembic` only; `alembic upgrade --sql | locklint` stops at alembic's own error instead. When alembic cannot get past the failure (a revision that exits the process, or an alembic without the step hook locklint uses), the revisions after it are not linted and the message says so. An error before any SQL (a revision file that does not import) is exit 2 with the file and line.",
    // the set-based UPDATE that replaces a row-by-row loop offline
    references: ["https://alembic.sqlalchemy.org/en/latest/offline.html", "https://www.postgresql.org/docs/current/sql-update.html"]
  },
  onComment(ctx) {
    const failure = readFailure(ctx.body);
    if (!failure) return;
    const where = failure.line !== null ? ` (line ${failure.line})` : "";
    const rest = failure.fatal ? "alembic stopped here: this revision's later statements and every revision after it are not linted" : "its statements after the failing line are not linted";
    ctx.report({
      message: `revision ${failure.revision}: ${failure.direction}()${where} fails in offline mode: ${failure.error}; ${rest}`,
      help: {
        text: "Offline there is no database: guard the part that reads data or needs a connection with `if context.is_offline_mode():` and print plain SQL there (op.execute), set-based; or move data fixes out of the migration.",
        alembic: GUARD
      },
      ...failure.file ? { migration: { file: failure.file, line: failure.line ?? 1, column: 1, call: null } } : {}
    });
  }
});

// rules/unused-ignore.ts
var unused_ignore_default = defineRule({
  id: "unused-ignore",
  severity: "warning",
  summary: "A locklint-ignore (or squawk-ignore) comment that silences nothing",
  docs: {
    why: "An ignore comment that matches no finding of the statement after it is stale (the statement was fixed, or the rule id is misspelt) and would silently swallow a future finding of that rule. `-- locklint-ignore: rule-a, rule-b` before a statement silences those rules for it; `-- locklint-ignore` silences every rule.",
    example: "-- locklint-ignore: require-concurrent-index-creation\nALTER TABLE users ADD COLUMN nickname text NULL;",
    useInstead: "-- locklint-ignore: require-concurrent-index-creation\nCREATE INDEX ix_users_email ON users (email);",
    alembic: 'op.execute("-- locklint-ignore: require-concurrent-index-creation\\nCREATE INDEX ix_users_email ON users (email)")',
    notes: "Ignore comments must be on their own line(s) directly before the statement. Squawk's `-- squawk-ignore rule` comments are read the same way.",
    references: ["https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-COMMENTS"]
  },
  check() {
  }
});

// rules/lock-order.ts
var TRAFFIC = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE"];
var lock_order_default = defineRule({
  id: "lock-order",
  severity: "warning",
  summary: "A statement takes a stronger lock on a table while holding a lock on another that the transaction locked after it: the migration locks the two in both orders",
  docs: {
    why: "Deadlocks come from two transactions taking the same locks in opposite orders. A migration that locks `orders`, then `users`, then asks for a stronger lock on `orders` has locked the two in both orders: it waits for `orders` while holding `users`. A session that locked `orders` in a mode the first lock allowed (a read, say) and now wants `users` waits for the migration, which waits for it; PostgreSQL aborts one side after `deadlock_timeout`.",
    example: "BEGIN;\nCREATE INDEX ix_orders_user_id ON orders (user_id);\nALTER TABLE users ADD COLUMN last_order_id bigint;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX ix_orders_user_id ON orders (user_id);\nALTER TABLE users ADD COLUMN last_order_id bigint;\nCOMMIT;",
    alembic: '# take the strongest lock on each table first, in one order, or split the steps into separate revisions (transaction_per_migration=True):\nop.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")',
    notes: "Only a statement that takes a new or stronger lock can wait, so only it is reported: a statement whose locks the transaction already holds (a second ALTER on a table already locked ACCESS EXCLUSIVE, a foreign key between two tables already locked SHARE ROW EXCLUSIVE) does not fire, nor does a statement that locks a table for the first time, which follows the transaction's order. The held lock on the other table must block reads or writes (ROW EXCLUSIVE from an UPDATE queues no application session), and two tables first locked by one statement (a CREATE TABLE with foreign keys to both) have no order of the migration's choosing. Reported once per revision, at the first statement that breaks its order; the message lists the other tables held. The same statement usually also gets lock-upgrade (the same table locked twice); lock-order adds the second table, and the fix is the same. Relations created earlier in the same revision are exempt. A migration that takes ACCESS EXCLUSIVE on a child table and then on its parent (or the other way round), each once, locks them in one order and does not fire: either order can deadlock with ordinary application transactions on the pair (one that inserts a parent then its child, one that deletes the children then their parent; both shown on PostgreSQL 15 by test/integration/lock-order-deadlock.test.ts), so no order is safe and reordering fixes nothing: a short `lock_timeout` with a retry (require-lock-timeout) or separate transactions is the fix.",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS"]
  },
  check(ctx) {
    const takenHere = [];
    for (const lock of ctx.effects.locks) {
      if (lock.novelty !== null) continue;
      const held = ctx.heldLocks.get(lock.key);
      if (!held) {
        if (blocksReadsOrWrites(lock.mode)) takenHere.push({ relation: lock.relation, key: lock.key, mode: lock.mode });
        continue;
      }
      if (stronger(held.mode, lock.mode) === held.mode || !TRAFFIC.some((t) => conflicts(lock.mode, t) && !conflicts(held.mode, t))) continue;
      const later = [
        ...[...ctx.heldLocks.entries()].filter(([key, other2]) => key !== lock.key && other2.order > held.order && other2.line !== held.line && blocksReadsOrWrites(other2.mode)).sort(([, a], [, b]) => a.order - b.order).map(([key, other2]) => ({ key, relation: other2.relation, mode: other2.mode, line: other2.line })),
        ...takenHere.map((t) => ({ ...t, line: ctx.statement.startPos.line }))
      ];
      const other = later[0];
      if (!other || !ctx.firstTime(`${ctx.place.transaction}\0${ctx.place.unit.key}`)) continue;
      const rest = later.slice(1).map((o) => o.relation);
      const more = rest.length === 0 ? "" : ` (also ${rest.slice(0, 3).join(", ")}${rest.length > 3 ? ` and ${rest.length - 3} more` : ""})`;
      const where = other.line === ctx.statement.startPos.line ? "earlier in this statement" : `at ${ctx.where(other.line)}`;
      ctx.report({
        message: `this statement takes ${lock.mode} on ${lock.relation} (held ${held.mode} since ${ctx.where(held.line)}) while the transaction holds ${other.mode} on ${other.relation}, locked after ${lock.relation} ${where}${more}: the migration locks the two in both orders, so a session that locked ${lock.relation} then wants ${other.relation} can deadlock with it`,
        help: {
          text: `Take the strongest lock on ${lock.relation} first (run this step before the one at ${ctx.where(held.line)}, or LOCK TABLE ${lock.relation} IN ${lock.mode} MODE at the start), or split the steps into separate transactions.`
        },
        locks: [lock]
      });
    }
  }
});

// rules/lock-budget.ts
var lock_budget_default = defineRule({
  id: "lock-budget",
  severity: "error",
  summary: "With table sizes and --max-lock-ms: a table stays blocked for reads or writes longer than the budget",
  docs: {
    why: "A lock that blocks reads or writes is held from the statement that takes it until the transaction commits, so the outage it causes is that statement's work plus the work of every statement after it. With table sizes from `locklint stats` and `--max-lock-ms`, locklint estimates that time and reports every table that stays blocked longer than the team's budget, naming the work that makes it long.",
    example: "-- with --stats stats.json --max-lock-ms 2000, where orders is 5 GB:\nBEGIN;\nALTER TABLE orders ALTER COLUMN total TYPE bigint;\nCOMMIT;",
    useInstead: "-- expand and contract: a new column, backfilled in batches outside the migration\nBEGIN;\nALTER TABLE orders ADD COLUMN total_new bigint;\nCOMMIT;",
    alembic: 'op.add_column("orders", sa.Column("total_new", sa.BigInteger(), nullable=True))\n# backfill in batches outside the migration, then switch and drop in later revisions',
    notes: "Needs table sizes (`--stats FILE` or `--db-url`) and a budget (`--max-lock-ms N`); without them the rule does nothing. Estimates come from throughput measured by `npm run calibrate` (docs/estimates.md).",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html"],
    exampleSizes: { tables: [{ name: "orders", heapBytes: 4e9, totalBytes: 5e9, rows: 4e7 }], maxLockMs: 2e3 }
  },
  onLockEstimate(ctx) {
    const estimate = "qualitative" in ctx.lock.estimate ? null : ctx.lock.estimate;
    const budgets = ["reads", "writes"].filter((b) => ctx.lock.blocks.includes(b) && ctx.budget[b] !== void 0).map((b) => ({ blocks: b, ms: ctx.budget[b] }));
    const budget2 = budgets.sort((a, b) => a.ms - b.ms)[0];
    if (!budget2 || !estimate || estimate.highMs <= budget2.ms) return;
    const blocked = ctx.lock.blocks.filter((b) => b !== "ddl").join(" and ");
    const responsible = ctx.responsible().map((r) => `${ctx.where(r.line)}: ${r.work}`);
    ctx.report({
      message: `${ctx.lock.mode} on ${ctx.lock.relation} blocks ${blocked} ${describeHold(estimate).replace(/^held /, "for an estimated ")}, over the ${formatDuration(budget2.ms)} budget for ${budget2.blocks}${responsible.length ? `; the work: ${responsible.join("; ")}` : ""}`,
      help: {
        text: "Do the slow work outside the lock (CONCURRENTLY, NOT VALID then VALIDATE, expand and contract, batches), or split the transaction so that the lock is released sooner."
      },
      locks: []
    });
  }
});

// rules/lock-upgrade.ts
var lock_upgrade_default = defineRule({
  id: "lock-upgrade",
  severity: "warning",
  summary: "A transaction takes a weaker lock on a table, then a stronger one: a deadlock risk",
  docs: {
    why: "Holding a lock that blocks writes (SHARE for `CREATE INDEX`, SHARE ROW EXCLUSIVE for a foreign key) and then asking for a stronger one on the same table (ACCESS EXCLUSIVE for `ALTER TABLE`) makes the migration wait for every session that already holds a weaker lock on it, while sessions that want to write wait for the migration. A session that read the table earlier in its transaction and now wants to write it waits for the migration, which waits for it: PostgreSQL detects the deadlock after `deadlock_timeout` and aborts one of them, possibly the migration; until then both wait, and everything queued behind them.",
    example: "BEGIN;\nCREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nCREATE INDEX ix_orders_total ON orders (total);\nCOMMIT;",
    alembic: '# the short ACCESS EXCLUSIVE step first, in a revision of its own (env.py: transaction_per_migration=True):\nop.add_column("orders", sa.Column("note", sa.Text()))\n# the next revision builds the index:\nop.create_index("ix_orders_total", "orders", ["total"])',
    notes: "The advice depends on what runs between the two locks. Taking the strongest lock first (`LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` where the weaker lock is taken now) removes the deadlock but holds ACCESS EXCLUSIVE over everything in between: before an index build, a foreign-key or CHECK validation, a rewrite or a backfill, reads of the table would wait for the whole of it. So the finding advises it only when nothing slow runs from the first lock to the stronger one; otherwise it advises running the short ACCESS EXCLUSIVE step in its own transaction (its own revision), before the slow ones, or a short `lock_timeout` on it and a retry. A first lock that blocks neither reads nor writes (VALIDATE CONSTRAINT's SHARE UPDATE EXCLUSIVE, say) queues no application session, and does not fire. Relations created earlier in the same revision are exempt; an upgrade across revisions that share a transaction is reported by revisions-share-transaction.",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS", "https://www.postgresql.org/docs/current/sql-lock.html"]
  },
  check(ctx) {
    const trail = trailOf(ctx);
    const line = ctx.statement.startPos.line;
    for (const lock of ctx.effects.locks) {
      if (lock.novelty !== null) continue;
      const held = ctx.heldLocks.get(lock.key);
      if (!held || !blocksReadsOrWrites(held.mode) || stronger(held.mode, lock.mode) === held.mode) continue;
      const first = trail.firstLocked.get(lock.key) ?? { line: held.line, mode: held.mode };
      const since2 = Math.min(first.line, held.line);
      const longer = blockedBy(lock.mode).filter((b) => b !== "ddl" && !blockedBy(first.mode).includes(b));
      const slow = longer.length > 0 ? trail.slow.find((s) => s.line >= since2 && s.line < line) : void 0;
      const target = lockTarget(lock.relation);
      ctx.report({
        message: `${lock.relation} is locked ${held.mode} at ${ctx.where(held.line)}, then ${lock.mode} here in the same transaction and revision: sessions holding locks the first allows wait, and may deadlock with the migration`,
        help: slow ? {
          text: `Do not take ${lock.mode} at the start instead: ${longer.join(" and ")} of ${lock.relation} would then wait through the statement at ${ctx.where(slow.line)}, which ${slow.what}. Run this step in its own transaction, before the slow ones (a revision of its own, with transaction_per_migration=True), or set a short lock_timeout just before it and retry the migration when it times out.`,
          sql: `SET LOCAL lock_timeout = '2s';
${ctx.statement.sql.trim()};`
        } : {
          text: `Take the strongest lock first: LOCK TABLE ${target} IN ${lock.mode} MODE just before ${ctx.where(since2)}; ${longer.length > 0 ? "nothing slow runs between there and here, so it is held only a little longer" : `${first.mode} already blocks the same reads and writes from there`}. Or run the two steps in separate transactions.`,
          sql: `LOCK TABLE ${target} IN ${lock.mode} MODE;`,
          alembic: `op.execute(${JSON.stringify(`LOCK TABLE ${target} IN ${lock.mode} MODE`)})`
        },
        locks: [lock]
      });
    }
    remember(trail, ctx, line);
  }
});
function lockTarget(relation2) {
  try {
    parseTree(`LOCK TABLE ${relation2}`);
    return relation2;
  } catch {
    return relation2.split(".").map((part) => part.startsWith('"') ? part : `"${part}"`).join(".");
  }
}
function trailOf(ctx) {
  return ctx.unitState(() => ({ firstLocked: /* @__PURE__ */ new Map(), slow: [] }));
}
function remember(trail, ctx, line) {
  if (ctx.place.transaction === null) return;
  const existing = existingLocks(ctx.effects.locks);
  for (const lock of existing) if (!trail.firstLocked.has(lock.key)) trail.firstLocked.set(lock.key, { line, mode: lock.mode });
  const slow = existing.find((l) => l.rewrite || l.scan);
  if (slow) trail.slow.push({ line, what: `${slow.rewrite ? "rewrites" : "reads all of"} ${slow.relation}${slow.why[0] ? ` (${slow.why[0]})` : ""}` });
  else if (!ctx.effects.analysed) trail.slow.push({ line, what: "runs, which locklint does not model (it may be slow)" });
}

// rules/revisions-share-transaction.ts
var revisions_share_transaction_default = defineRule({
  id: "revisions-share-transaction",
  severity: "warning",
  summary: "Several alembic revisions in one transaction: the first revision's locks are held through all the others",
  docs: {
    why: "By default alembic runs every pending revision of an `upgrade` in one transaction, and locks last until COMMIT: an ACCESS EXCLUSIVE taken by the first revision keeps its table unreadable while every later revision runs, index builds and backfills included. `transaction_per_migration=True` in env.py's `context.configure(...)` commits after each revision, so each lock lasts only as long as its own revision.",
    example: "BEGIN;\n-- Running upgrade a1 -> b2\nALTER TABLE users ADD COLUMN nickname text;\n-- Running upgrade b2 -> c3\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_total ON orders (total);\nCOMMIT;",
    useInstead: "BEGIN;\n-- Running upgrade a1 -> b2\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nBEGIN;\n-- Running upgrade b2 -> c3\nCREATE INDEX ix_orders_total ON orders (total);\nCOMMIT;",
    alembic: "# env.py\ncontext.configure(\n    ...,\n    transaction_per_migration=True,\n)",
    notes: "Reported once per transaction, at the first statement of the later revision that runs under the earlier lock (a `SET` of a session setting is skipped; a revision that opens with `COMMIT`, as `autocommit_block()` does, releases the lock first and does not fire); the message names the `-- Running upgrade` boundary and its line (with the migration files, `locklint alembic` or `--alembic-dir`: the `def upgrade` line of the later revision's file, and the .py line and `op.*` call of the statement that took the lock). When a history is linted whole (a fresh database), tables created in the same transaction are exempt, so this concerns tables that existed before it, as in `alembic upgrade <from>:<to> --sql` output.",
    references: [
      "https://www.postgresql.org/docs/current/explicit-locking.html",
      "https://alembic.sqlalchemy.org/en/latest/api/runtime.html#alembic.runtime.environment.EnvironmentContext.configure.params.transaction_per_migration"
    ]
  },
  check(ctx) {
    const place = ctx.place.revision;
    const revision = place?.id ?? null;
    if (ctx.place.transaction === null || revision === null) return;
    if (ctx.effects.operations.some(({ operation: o }) => o.op === "set" || o.op === "transaction" && (o.kind === "commit" || o.kind === "rollback"))) return;
    const earlier = [...ctx.transactionLocks.values()].find((h) => h.revision !== null && h.revision !== revision && blocksReadsOrWrites(h.mode));
    if (!earlier || !ctx.firstTime(String(ctx.place.transaction))) return;
    const marker = `Running ${place.direction === "stamp" ? "stamp_revision" : place.direction} ${place.from ?? "base"} -> ${place.id ?? "base"}`;
    ctx.report({
      message: `revision ${revision} runs in the same transaction as revision ${earlier.revision}, which took ${earlier.mode} on ${earlier.relation} at ${ctx.where(earlier.line)}: that lock is held from the boundary at ${ctx.where(place.line)} (${marker}) through this and every later revision until COMMIT`,
      help: { text: "Set transaction_per_migration=True in env.py's context.configure() so that each revision commits on its own." },
      locks: []
    });
  }
});

// rules/prefer-robust-stmts.ts
var SECOND_COPY = "builds a second copy of this unnamed index under a new name (IF NOT EXISTS needs a name)";
var SECOND_CONSTRAINT = "adds a second copy of this unnamed constraint under a new name (name it, and drop it IF EXISTS first)";
var REPEATS = /* @__PURE__ */ new Set([SECOND_COPY, SECOND_CONSTRAINT]);
function rerunFailure(op, sql, ctx) {
  switch (op.op) {
    case "create-table":
      return op.ifNotExists || op.temporary ? null : `table ${op.table.written} already exists`;
    case "create-table-as":
      return /\bTABLE\s+IF\s+NOT\s+EXISTS\b/i.test(sql) ? null : `table ${op.table.written} already exists`;
    case "create-index":
      if (op.ifNotExists) return null;
      if (!op.index) return SECOND_COPY;
      return `index ${op.index.written} already exists${op.concurrent ? " (possibly INVALID, from a failed CONCURRENTLY build)" : ""}`;
    case "create-view":
      return op.orReplace || /\bVIEW\s+IF\s+NOT\s+EXISTS\b/i.test(sql) ? null : `${op.materialized ? "materialized view" : "view"} ${op.view.written} already exists`;
    case "create-enum":
      return `type ${op.type.written} already exists`;
    case "add-column":
      return op.ifNotExists ? null : `column ${op.column.name} of ${op.table.written} already exists`;
    case "add-enum-value":
      return /\bADD\s+VALUE\s+IF\s+NOT\s+EXISTS\b/i.test(sql) ? null : `value '${op.value}' of ${op.type.written} already exists`;
    case "add-constraint":
      return addConstraintFailure(op.table.written, op.constraint, ctx);
    case "drop-relation":
      return guardedDrop(sql, /\bDROP\s+(?:MATERIALIZED\s+)?(?:TABLE|VIEW)\s+IF\s+EXISTS\b/gi, ctx, op.op) ? null : `${op.kind} ${op.relation.written} is already gone`;
    case "drop-index":
      return guardedDrop(sql, /\bDROP\s+INDEX\s+(?:CONCURRENTLY\s+)?IF\s+EXISTS\b/gi, ctx, op.op) ? null : `index ${op.index.written} is already gone`;
    case "drop-type":
      return guardedDrop(sql, /\bDROP\s+(?:TYPE|DOMAIN)\s+IF\s+EXISTS\b/gi, ctx, op.op) ? null : `type ${op.type.written} is already gone`;
    case "drop-column":
      return guardedDrop(sql, /\bDROP\s+(?:COLUMN\s+)?IF\s+EXISTS\b/gi, ctx, op.op) ? null : `column ${op.column} of ${op.table.written} is already gone`;
    case "drop-constraint":
      if (!guardedDrop(sql, /\bDROP\s+CONSTRAINT\s+IF\s+EXISTS\b/gi, ctx, op.op)) return `constraint ${op.name} of ${op.table.written} is already gone`;
      ctx.firstTime(droppedKey(ctx, op.table.written, op.name));
      return null;
    case "drop-trigger":
      return /\bDROP\s+TRIGGER\s+IF\s+EXISTS\b/i.test(sql) ? null : `the trigger on ${op.table.written} is already gone`;
    case "create-trigger":
      return op.replace ? null : `the trigger on ${op.table.written} already exists`;
    case "table-object":
      if (op.action === "create") return /\bOR\s+REPLACE\b/i.test(sql) ? null : `the ${op.object} on ${op.table.written} already exists`;
      return op.action === "drop" && !/\bIF\s+EXISTS\b/i.test(sql) ? `the ${op.object} on ${op.table.written} is already gone` : null;
    case "rename-table":
      return `${op.table.written} was already renamed to ${op.newName}`;
    case "rename-column":
      return `column ${op.column} of ${op.table.written} was already renamed to ${op.newName}`;
    case "rename-index":
      return `index ${op.index.written} was already renamed to ${op.newName}`;
    case "rename-constraint":
      return `constraint ${op.name} of ${op.table.written} was already renamed to ${op.newName}`;
    case "rename-enum-value":
      return `value '${op.from}' of ${op.type.written} was already renamed to '${op.to}'`;
    case "set-schema":
      return `${op.relation.written} was already moved to schema ${op.newSchema}`;
    case "attach-partition":
      return `${op.partition.written} is already a partition of ${op.table.written}`;
    case "detach-partition":
      return op.finalize ? null : `${op.partition.written} is already detached from ${op.table.written}`;
    case "drop-schema":
      return /\bDROP\s+SCHEMA\s+IF\s+EXISTS\b/i.test(sql) ? null : `schema ${op.schema} is already gone`;
    case "rename-schema":
      return `schema ${op.schema} was already renamed to ${op.newName}`;
    case "no-table-lock":
      return otherObjectFailure(op.what, sql);
    case "unknown":
      return op.failure === void 0 ? otherObjectFailure(op.what, sql) : null;
    case "drop-database":
    case "alter-column-type":
    case "set-not-null":
    case "drop-not-null":
    case "set-default":
    case "drop-default":
    case "validate-constraint":
    case "reindex":
    case "truncate":
    case "update":
    case "delete":
    case "insert":
    case "select":
    case "vacuum":
    case "cluster":
    case "refresh-materialized-view":
    case "lock-table":
    case "attach-index":
    case "enable-disable-trigger":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "domain-constraint":
    case "alter-table-other":
    case "alter-sequence":
      return null;
  }
}
function otherObjectFailure(what, sql) {
  const head = withoutComments(sql).split(/[($]/)[0];
  const object = what.replace(/^(CREATE|DROP|RENAME) /, "").replace(/ \.\.\..*$/, "").toLowerCase();
  if (what.startsWith("CREATE ")) return /\b(IF\s+NOT\s+EXISTS|OR\s+REPLACE)\b/i.test(head) ? null : `the ${object} already exists`;
  if (what.startsWith("DROP ")) return /\bIF\s+EXISTS\b/i.test(head) ? null : `the ${object} is already gone`;
  if (what.startsWith("RENAME ")) return `the ${object} was already renamed`;
  return null;
}
function guardedDrop(sql, guard, ctx, kind) {
  const guards = withoutComments(sql).match(guard)?.length ?? 0;
  return guards >= ctx.effects.operations.filter((e) => e.operation.op === kind).length;
}
function addConstraintFailure(table2, constraint, ctx) {
  const name = constraint.name;
  if (name === null) return constraint.kind === "primary-key" ? `${table2} already has a primary key` : SECOND_CONSTRAINT;
  if (ctx.firstTime(droppedKey(ctx, table2, name))) return `constraint ${name} of ${table2} already exists`;
  return ctx.firstTime(`added|${droppedKey(ctx, table2, name)}`) ? null : `constraint ${name} of ${table2} already exists`;
}
function droppedKey(ctx, table2, name) {
  return `dropped|${ctx.statement.file.path}|${table2}|${name}`;
}
function guardOf(op) {
  switch (op.op) {
    case "create-table":
    case "create-table-as":
    case "create-index":
    case "add-column":
    case "add-enum-value":
      return "IF NOT EXISTS";
    case "create-view":
      return op.materialized ? "IF NOT EXISTS" : "OR REPLACE";
    case "create-trigger":
      return "OR REPLACE";
    case "drop-relation":
    case "drop-index":
    case "drop-type":
    case "drop-column":
    case "drop-constraint":
    case "drop-trigger":
    case "drop-schema":
      return "IF EXISTS";
    case "no-table-lock":
    case "unknown":
      return op.what.startsWith("DROP ") ? "IF EXISTS" : op.what.startsWith("CREATE ") ? "IF NOT EXISTS (or OR REPLACE)" : null;
    default:
      return null;
  }
}
function withoutComments(sql) {
  return sql.replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
}
var prefer_robust_stmts_default = defineRule({
  id: "prefer-robust-stmts",
  severity: "warning",
  summary: "A statement outside a transaction that fails when the migration is run again (CREATE or ADD without IF NOT EXISTS, DROP without IF EXISTS, RENAME)",
  docs: {
    why: "Outside a transaction block every statement commits on its own. When the migration fails part-way (a later statement, a lock_timeout, the migration tool's own bookkeeping after the file, a killed deploy), what ran stays applied, and the fix is to run the migration again: it then fails at the first statement that already did its work (`relation already exists`, `column does not exist`). A failed `CREATE INDEX CONCURRENTLY` even leaves an INVALID index under the name. Statements that can run twice (`IF NOT EXISTS`, `IF EXISTS`, `CREATE OR REPLACE`, VALIDATE CONSTRAINT, SET NOT NULL, type changes) are fine, as is everything inside BEGIN ... COMMIT, which a failure rolls back.",
    example: "CREATE INDEX CONCURRENTLY ix_orders_created_at ON orders (created_at);\nALTER TABLE orders ADD COLUMN note text;",
    useInstead: "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_created_at ON orders (created_at);\nALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("ix_orders_created_at", "orders", ["created_at"], postgresql_concurrently=True, if_not_exists=True)',
    notes: "Fires only outside a transaction block: in alembic (which wraps each migration in a transaction) that is the statements of `autocommit_block()`; for a plain SQL file, every statement unless the file has BEGIN ... COMMIT or `--assume-in-transaction` says the tool wraps it in one. ADD CONSTRAINT counts as guarded after a `DROP CONSTRAINT IF EXISTS` of the same name earlier in the file. CREATE TYPE, RENAME and ATTACH/DETACH PARTITION have no IF [NOT] EXISTS: run them in a transaction (or a DO block that checks the catalog). `if_not_exists=` needs alembic 1.12 or later; with older ones use op.execute.",
    references: [
      "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY",
      "https://www.postgresql.org/docs/current/sql-altertable.html"
    ]
  },
  check(ctx) {
    if (ctx.inTransactionBlock) return;
    const sql = ctx.statement.sql;
    for (const { operation } of ctx.effects.operations) {
      const failure = rerunFailure(operation, sql, ctx);
      if (!failure) continue;
      const guard = guardOf(operation);
      ctx.report({
        message: `outside a transaction${guard ? ` and without ${guard}` : ""}: if the migration fails after this statement, running it again ${REPEATS.has(failure) ? failure : `fails here because ${failure}`}`,
        help: {
          text: guard ? `Add ${guard} so the step can run twice, or run the statements in one transaction (BEGIN ... COMMIT) where that is allowed.` : operation.op === "add-constraint" ? "ADD CONSTRAINT has no IF NOT EXISTS: drop the constraint with DROP CONSTRAINT IF EXISTS just before it, or run the statements in one transaction (BEGIN ... COMMIT)." : "This form has no IF [NOT] EXISTS: run it in a transaction with the statements after it (BEGIN ... COMMIT), or guard it with a DO block that checks the catalog."
        },
        locks: []
      });
      return;
    }
  }
});

// rules/excessive-lock-timeout.ts
var MAX_MS = 1e4;
var excessive_lock_timeout_default = defineRule({
  id: "excessive-lock-timeout",
  severity: "warning",
  summary: "A lock_timeout so long that every query on the table queues behind the waiting migration",
  docs: {
    why: "While a migration waits for a lock that blocks reads or writes, every later query on that table waits behind it, even ones that would not conflict with the holder. A `lock_timeout` bounds that queue; set to tens of seconds or minutes it stops protecting anything: web requests time out and connection pools fill before the migration gives up.",
    example: "SET lock_timeout = '5min';\nALTER TABLE orders ADD COLUMN note text;",
    useInstead: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
    alembic: `op.execute("SET lock_timeout = '3s'")  # and retry the deploy if it times out`,
    notes: `Reported above ${MAX_MS / 1e3} s, once per revision. A timed-out migration can be retried; an outage cannot be undone.`,
    references: ["https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT"]
  },
  check(ctx) {
    const value = ctx.setting("lock_timeout");
    if (value === void 0 || isDisabledTimeout(value)) return;
    const ms = timeoutMs(value);
    if (ms === void 0 || ms <= MAX_MS) return;
    const lock = existingLocks(ctx.effects.locks).find((l) => blocksReadsOrWrites(l.mode));
    if (!lock || !ctx.firstTime(ctx.place.unit.key)) return;
    ctx.report({
      message: `lock_timeout is ${value.trim()}: while this statement waits for ${lock.mode} on ${lock.relation}, every query on ${lock.relation} can queue that long`,
      help: { text: "Use a few seconds and retry on timeout.", sql: "SET lock_timeout = '3s';" },
      locks: [lock]
    });
  }
});

// rules/multiple-alter-table.ts
var multiple_alter_table_default = defineRule({
  id: "multiple-alter-table",
  severity: "warning",
  optional: true,
  summary: "Several ALTER TABLE statements on one table in a transaction, where one statement with several actions would do",
  docs: {
    why: "Each `ALTER TABLE` waits for its lock separately, and a rewrite or scan triggered by several statements happens several times; one `ALTER TABLE t ADD COLUMN a ..., ADD COLUMN b ...` takes the lock once and does the work once. alembic emits one statement per `op.*` call; `op.batch_alter_table` is for SQLite, so combining needs `op.execute`.",
    example: "BEGIN;\nALTER TABLE users ADD COLUMN first_name text;\nALTER TABLE users ADD COLUMN last_name text;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;\nCOMMIT;",
    alembic: 'op.execute("ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text")',
    notes: "Off by default: with cheap actions the difference is small. Reported once per table and transaction.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html"]
  },
  check(ctx) {
    for (const { operation } of ctx.effects.operations) {
      if (!ALTER_TABLE.has(operation.op) || !("table" in operation) || !operation.table) continue;
      const table2 = operation.table;
      const held = ctx.heldLocks.get(relationKey(table2.schema, table2.name));
      if (!held || !altersTable(held.sql, table2) || !ctx.firstTime(`${ctx.place.transaction}\0${ctx.place.unit.key}\0${table2.written}`)) continue;
      ctx.report({
        message: `another ALTER TABLE ${table2.written} (${ctx.where(held.line)}) in the same transaction: one statement with several actions takes the lock once`,
        help: { text: "Combine the actions into one ALTER TABLE, separated by commas." },
        locks: []
      });
    }
  }
});
var IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[^\s."(;,]+)`;
var ALTERED = new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${IDENTIFIER}(?:\s*\.\s*${IDENTIFIER})?)`, "i");
function altersTable(sql, table2) {
  const target = ALTERED.exec(sql)?.[1];
  if (!target) return false;
  const parts = (target.match(new RegExp(IDENTIFIER, "g")) ?? []).map((p) => p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase());
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[0] : null;
  return name === table2.name && (schema === null || table2.schema === null || schema === table2.schema);
}
var ALTER_TABLE = /* @__PURE__ */ new Set([
  "add-column",
  "drop-column",
  "alter-column-type",
  "set-not-null",
  "drop-not-null",
  "set-default",
  "drop-default",
  "add-constraint",
  "drop-constraint",
  "validate-constraint",
  "alter-table-other"
]);

// rules/wide-index.ts
var wide_index_default = defineRule({
  id: "wide-index",
  severity: "warning",
  optional: true,
  summary: "A non-unique index on more than three columns",
  docs: {
    why: "Every index is built under a lock (SHARE, or SHARE UPDATE EXCLUSIVE when concurrent), slows every write, and takes space; an index on four or more columns is rarely used beyond its first columns, and the planner seldom picks it over a narrower one. Unique indexes are exempt: their width is their meaning.",
    example: "CREATE INDEX CONCURRENTLY ix_events_wide ON events (account_id, kind, status, created_at);",
    useInstead: "CREATE INDEX CONCURRENTLY ix_events_account_created ON events (account_id, created_at);",
    alembic: 'op.create_index("ix_events_account_created", "events", ["account_id", "created_at"], postgresql_concurrently=True)',
    notes: "Off by default. Check with EXPLAIN on production-like data which columns the queries need.",
    references: ["https://www.postgresql.org/docs/current/indexes-multicolumn.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "create-index")) {
      if (op.unique || op.columns.length <= 3) continue;
      ctx.report({
        message: `index on ${op.columns.length} columns (${op.columns.join(", ")})`,
        help: { text: "Index the columns queries filter on first; drop the rest." },
        locks: []
      });
    }
  }
});

// rules/foreign-key-without-index.ts
var foreign_key_without_index_default = defineRule({
  id: "foreign-key-without-index",
  severity: "warning",
  summary: "A foreign key added to an existing table with no index on its columns: from the deploy on, every delete or key update on the referenced table scans that table",
  docs: {
    why: "PostgreSQL indexes the referenced side of a foreign key (its primary key or unique constraint) but not the referencing columns. Without an index on them, every DELETE of a referenced row, and every update of its key, reads the whole referencing table to look for dependants, holding its locks meanwhile; ON DELETE CASCADE then also deletes by scanning. On a table that already holds data, that cost starts the moment the migration commits.",
    example: "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nCOMMIT;\nBEGIN;\nALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
    useInstead: "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);\nCOMMIT;\nCREATE INDEX CONCURRENTLY ix_order_items_order_id ON order_items (order_id);\nBEGIN;\nALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;",
    alembic: 'with op.get_context().autocommit_block():\n    op.create_index("ix_order_items_order_id", "order_items", ["order_id"], postgresql_concurrently=True)\nop.create_foreign_key("order_items_order_id_fkey", "order_items", "orders", ["order_id"], ["id"], postgresql_not_valid=True)',
    notes: "What this rule is for: the hazard of an unindexed foreign key is at run time (deletes and key updates on the referenced table scan the referencing one, and ON DELETE CASCADE locks the rows it finds by scanning), not a lock the migration takes. It fires only where the migration adds the foreign key (ALTER TABLE ... ADD CONSTRAINT, or ADD COLUMN ... REFERENCES) to a table that existed before the revision, because there the table already has rows and the scans start at deploy; a foreign key on a table created in the same revision (an empty table) is a schema-design choice that this migration linter leaves alone. Reported once per foreign key, at the clause that creates it, and checked at the end of the revision (or transaction), so an index created after the foreign key in the same revision counts. Tables that existed before the script are checked only when the script shows their indexes (alembic histories do). Build the index CONCURRENTLY.",
    references: ["https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK"]
  },
  check(ctx) {
    for (const { operation } of ctx.effects.operations) {
      for (const fk of foreignKeys(operation)) {
        if (!existedBefore(ctx.effects.locks, fk.table)) continue;
        ctx.afterUnit(() => {
          if (ctx.indexCovers(fk.table, fk.columns) !== false) return;
          ctx.report({
            message: `no index on ${fk.table.written} (${fk.columns.join(", ")}), an existing table: from this deploy on, each DELETE from ${fk.references.written}, or key update, scans ${fk.table.written}`,
            help: {
              text: "Index the referencing columns, CONCURRENTLY (outside the transaction).",
              sql: `CREATE INDEX CONCURRENTLY ix_${fk.table.name}_${fk.columns.join("_")} ON ${fk.table.written} (${fk.columns.join(", ")});`,
              alembic: `with op.get_context().autocommit_block():
    op.create_index("ix_${fk.table.name}_${fk.columns.join("_")}", "${fk.table.name}", [${fk.columns.map((c) => `"${c}"`).join(", ")}], postgresql_concurrently=True)`
            },
            at: fk.location,
            locks: []
          });
        });
      }
    }
  }
});
function existedBefore(locks, table2) {
  const key = relationKey(table2.schema, table2.name);
  return locks.some((l) => l.key === key && l.novelty === null);
}
function foreignKeys(op) {
  const found = [];
  const add = (table2, column2, spec) => {
    if (spec.kind !== "foreign-key" || !spec.references) return;
    const columns = spec.columns.length ? spec.columns : column2 ? [column2] : [];
    if (columns.length && !found.some((f) => f.location === spec.location))
      found.push({ table: table2, columns, references: spec.references, location: spec.location });
  };
  if (op.op === "create-table") {
    for (const c of op.constraints) add(op.table, null, c);
    for (const column2 of op.columns) for (const c of column2.constraints) add(op.table, column2.name, c);
  } else if (op.op === "add-column") {
    for (const c of op.column.constraints) add(op.table, op.column.name, c);
  } else if (op.op === "add-constraint") {
    add(op.table, null, op.constraint);
  }
  return found;
}

// rules/validate-in-same-transaction.ts
var validate_in_same_transaction_default = defineRule({
  id: "validate-in-same-transaction",
  severity: "warning",
  durationHazard: true,
  summary: "VALIDATE CONSTRAINT in the transaction that added it NOT VALID: the strong lock is still held during the scan",
  docs: {
    why: "Adding a constraint `NOT VALID` and validating it later is the safe way because `VALIDATE CONSTRAINT` scans under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes. But locks last until COMMIT: in the same transaction, the ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE (FOREIGN KEY) taken by the `ADD CONSTRAINT ... NOT VALID` is still held while the VALIDATE reads the whole table, so nothing was gained. alembic puts every `op.*` call of a revision in one transaction.",
    example: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\nCOMMIT;",
    alembic: '# revision 1:\nop.create_check_constraint("orders_total_check", "orders", "total >= 0", postgresql_not_valid=True)\n# revision 2 (with transaction_per_migration=True in env.py, each revision commits on its own):\nop.execute("ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check")',
    notes: "Within one revision, `with op.get_context().autocommit_block():` around the VALIDATE also works: it commits the ADD first.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "validate-constraint")) {
      const held = ctx.heldLocks.get(relationKey(op.table.schema, op.table.name));
      if (!held || !blocksReadsOrWrites(held.mode)) continue;
      ctx.report({
        message: `VALIDATE CONSTRAINT ${op.name} scans ${op.table.written} while the ${held.mode} lock taken at ${ctx.where(held.line)} is still held: ${held.mode === "ACCESS EXCLUSIVE" ? "reads and writes" : "writes"} wait for the whole scan`,
        help: {
          text: "Commit between the ADD ... NOT VALID and the VALIDATE: a later revision (transaction_per_migration=True), or autocommit_block() around the VALIDATE."
        }
      });
    }
  }
});

// rules/lock-held-during-slow-statement.ts
var lock_held_during_slow_statement_default = defineRule({
  id: "lock-held-during-slow-statement",
  severity: "warning",
  durationHazard: true,
  summary: "A scan, rewrite or backfill runs while an earlier statement's read- or write-blocking lock is still held",
  docs: {
    why: "A lock is held until the transaction ends, not until its statement ends. When a statement that reads or rewrites a whole table (an index build, a validation, a type change, a backfill) runs after another statement of the same transaction took a lock that blocks reads or writes (an `ALTER TABLE`'s ACCESS EXCLUSIVE, say), that earlier table stays blocked for the whole slow statement, even if the slow statement is about another table. alembic runs all `op.*` calls of a revision in one transaction.",
    example: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX ix_orders_created_at ON orders (created_at);\nCOMMIT;",
    useInstead: "BEGIN;\nCREATE INDEX ix_orders_created_at ON orders (created_at);\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;",
    alembic: '# do the slow work first (or in its own revision / autocommit_block()), the quick ACCESS EXCLUSIVE changes last:\nop.create_index("ix_orders_created_at", "orders", ["created_at"])\nop.add_column("users", sa.Column("nickname", sa.Text()))',
    notes: "Reported once per blocking lock, at the first slow statement that runs while it is held. The slow statement itself may have its own finding (require-concurrent-index-creation here).",
    references: ["https://www.postgresql.org/docs/current/explicit-locking.html"]
  },
  check(ctx) {
    const slow = existingLocks(ctx.effects.locks).find((l) => l.scan || l.rewrite);
    if (!slow) return;
    const own = new Map(ctx.effects.locks.map((l) => [l.key, l.mode]));
    const blocking = [...ctx.heldLocks].filter(([key, h]) => blocksReadsOrWrites(h.mode) && !(own.has(key) && covers(own.get(key), h.mode))).map(([, h]) => h).sort((a, b) => a.line - b.line)[0];
    if (!blocking || !ctx.firstTime(`${ctx.place.unit.key}\0${blocking.relation}\0${blocking.line}`)) return;
    const what = slow.rewrite ? `rewrites ${slow.relation}` : `reads all of ${slow.relation}`;
    ctx.report({
      message: `this statement ${what} while ${blocking.mode} on ${blocking.relation}, taken at ${ctx.where(blocking.line)}, is still held: ${blocking.mode === "ACCESS EXCLUSIVE" ? "reads and writes" : "writes"} of ${blocking.relation} wait for it too`,
      help: {
        text: "Run the slow statement first, in its own transaction (a separate revision, or autocommit_block()), or move the blocking change after it."
      },
      locks: [slow]
    });
  }
});
function covers(mode, other) {
  const blocked = blockedBy(mode);
  return blockedBy(other).every((b) => blocked.includes(b));
}

// rules/require-concurrent-reindex.ts
var require_concurrent_reindex_default = defineRule({
  id: "require-concurrent-reindex",
  severity: "error",
  durationHazard: true,
  summary: "REINDEX without CONCURRENTLY blocks writes to the table and every query that uses the index",
  docs: {
    why: "`REINDEX INDEX` and `REINDEX TABLE` take SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index they rebuild, so every query whose plan uses the index waits as well, for as long as the rebuild reads and sorts the table. From PostgreSQL 12, `REINDEX ... CONCURRENTLY` builds the new index beside the old one under SHARE UPDATE EXCLUSIVE and swaps them; it cannot run inside a transaction block.",
    example: "REINDEX INDEX ix_orders_customer_id;",
    useInstead: "REINDEX INDEX CONCURRENTLY ix_orders_customer_id;",
    alembic: 'with op.get_context().autocommit_block():\n    op.execute("REINDEX INDEX CONCURRENTLY ix_orders_customer_id")',
    notes: "Before PostgreSQL 12 there is no CONCURRENTLY: build a replacement with CREATE INDEX CONCURRENTLY, drop the old index concurrently, then rename the new one (the rule says so with `--pg-version 11`). Indexes of tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "reindex")) {
      if (op.concurrent || !op.relation || op.target !== "index" && op.target !== "table") continue;
      const locks = existingLocks(ctx.effects.locks);
      if (locks.length === 0) continue;
      const what = `REINDEX ${op.target.toUpperCase()} ${op.relation.written}`;
      ctx.report({
        message: `${what} locks out writes to the table and queries that use the rebuilt index until the rebuild finishes`,
        help: since("reindexConcurrently", ctx.pgVersion) ? {
          text: `Rebuild concurrently, outside the transaction (${AUTOCOMMIT_NOTE}).`,
          sql: insertAfter(ctx.statement.sql, /^\s*REINDEX\s+(INDEX|TABLE)/i, "CONCURRENTLY") + ";",
          alembic: `with op.get_context().autocommit_block():
    op.execute(${py(insertAfter(ctx.statement.sql, /^\s*REINDEX\s+(INDEX|TABLE)/i, "CONCURRENTLY"))})`
        } : {
          text: "PostgreSQL 11 has no REINDEX CONCURRENTLY: create a replacement index concurrently, drop the old one concurrently, and rename the new one to the old name.",
          sql: "CREATE INDEX CONCURRENTLY <name>_new ON <table> (...);\nDROP INDEX CONCURRENTLY <name>;\nALTER INDEX <name>_new RENAME TO <name>;"
        },
        locks
      });
    }
  }
});

// rules/require-concurrent-partition-detach.ts
var require_concurrent_partition_detach_default = defineRule({
  id: "require-concurrent-partition-detach",
  severity: "error",
  summary: "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the whole partitioned table",
  docs: {
    why: "`ALTER TABLE parent DETACH PARTITION child` takes ACCESS EXCLUSIVE on the parent and on the partition: every read and write of the partitioned table, whatever the partition, waits for it, and it waits for every running query on the table first. From PostgreSQL 14, `DETACH PARTITION ... CONCURRENTLY` takes only SHARE UPDATE EXCLUSIVE on the parent and waits for running queries in two transactions; it cannot run inside a transaction block, nor when the table has a DEFAULT partition.",
    example: "ALTER TABLE events DETACH PARTITION events_2023;",
    useInstead: "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
    alembic: 'with op.get_context().autocommit_block():\n    op.execute("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY")',
    notes: "Before PostgreSQL 14 there is no concurrent form: the rule is a warning there, asking for a lock_timeout and a quiet moment. If a concurrent detach is interrupted, finish it with `ALTER TABLE ... DETACH PARTITION ... FINALIZE`.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "detach-partition")) {
      if (op.concurrent || op.finalize) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const concurrent = `${ctx.statement.sql.replace(/\s*;?\s*$/, "")} CONCURRENTLY`;
      ctx.report({
        message: `detaching ${op.partition.written} takes ACCESS EXCLUSIVE on ${op.table.written}: reads and writes of every partition wait`,
        help: since("detachPartitionConcurrently", ctx.pgVersion) ? {
          text: `Detach concurrently, outside the transaction (${AUTOCOMMIT_NOTE}).`,
          sql: `${concurrent};`,
          alembic: `with op.get_context().autocommit_block():
    op.execute(${py(concurrent)})`
        } : {
          text: "Before PostgreSQL 14 there is no concurrent detach: set a short lock_timeout, run it when the table is quiet, and retry on timeout.",
          sql: `SET lock_timeout = '2s';
${ctx.statement.sql};`
        },
        severity: since("detachPartitionConcurrently", ctx.pgVersion) ? "error" : "warning",
        locks: [lock]
      });
    }
  }
});

// rules/require-concurrent-refresh.ts
var require_concurrent_refresh_default = defineRule({
  id: "require-concurrent-refresh",
  severity: "error",
  durationHazard: true,
  summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it recomputes",
  docs: {
    why: "`REFRESH MATERIALIZED VIEW` takes ACCESS EXCLUSIVE on the view and replaces its contents (a rewrite): every SELECT of the view waits until the whole query behind it has run again. `REFRESH MATERIALIZED VIEW CONCURRENTLY` takes EXCLUSIVE instead, which lets reads go on while it computes the new contents and applies the difference; it needs a unique index on the view, and may run inside a transaction.",
    example: "REFRESH MATERIALIZED VIEW customer_totals;",
    useInstead: "CREATE UNIQUE INDEX CONCURRENTLY ux_customer_totals_customer_id ON customer_totals (customer_id);\nREFRESH MATERIALIZED VIEW CONCURRENTLY customer_totals;",
    alembic: 'op.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY customer_totals")  # the view needs a unique index',
    notes: "A view created earlier in the same revision is exempt (nobody reads it yet). CONCURRENTLY is slower when most rows change.",
    references: ["https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "refresh-materialized-view")) {
      if (op.concurrent) continue;
      const lock = existingLockOn(ctx.effects.locks, op.view);
      if (!lock) continue;
      const concurrent = ctx.statement.sql.replace(/^(\s*REFRESH\s+MATERIALIZED\s+VIEW)/i, "$1 CONCURRENTLY");
      ctx.report({
        message: `REFRESH MATERIALIZED VIEW ${op.view.written} takes ACCESS EXCLUSIVE: every read of the view waits until it is recomputed`,
        help: {
          text: "Refresh concurrently (the view needs a unique index): reads go on while it runs.",
          sql: `${concurrent};`,
          alembic: `op.execute(${py(concurrent)})`
        },
        locks: [lock]
      });
    }
  }
});

// rules/adding-exclusion-constraint.ts
var adding_exclusion_constraint_default = defineRule({
  id: "adding-exclusion-constraint",
  severity: "error",
  durationHazard: true,
  summary: "ADD CONSTRAINT ... EXCLUDE builds its index under ACCESS EXCLUSIVE",
  docs: {
    why: "An exclusion constraint is enforced by an index that `ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE` builds and checks while holding ACCESS EXCLUSIVE: reads and writes wait for the whole build. Unlike UNIQUE and PRIMARY KEY, an EXCLUDE constraint cannot be attached to an index built beforehand with CONCURRENTLY (there is no `USING INDEX` form for it).",
    example: "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
    useInstead: "-- create the constraint with the table, or add it when the table is small or in a maintenance window, with a lock_timeout\nCREATE TABLE bookings (room_id int, during tstzrange, CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&));",
    alembic: '# with the table:\nop.create_table("bookings", ..., postgresql.ExcludeConstraint((sa.column("room_id"), "="), (sa.column("during"), "&&"), using="gist"))',
    notes: "Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html",
      "https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-EXCLUSION"
    ]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const added = addedConstraints(effect.operation);
      if (!added?.constraints.some((c) => c.kind === "exclude")) continue;
      const lock = existingLockOn(ctx.effects.locks, added.table);
      if (!lock) continue;
      ctx.report({
        message: `EXCLUDE constraint on existing table ${added.table.written} builds its index under ACCESS EXCLUSIVE: reads and writes wait for the build`,
        help: {
          text: "There is no concurrent way to add an exclusion constraint: add it when the table is created, or in a quiet moment with a lock_timeout."
        },
        locks: [lock]
      });
    }
  }
});

// rules/rewriting-table.ts
var rewriting_table_default = defineRule({
  id: "rewriting-table",
  severity: "error",
  durationHazard: true,
  summary: "ALTER TABLE forms that rewrite the whole table under ACCESS EXCLUSIVE (SET LOGGED/UNLOGGED, SET ACCESS METHOD, ...)",
  docs: {
    why: "Some ALTER TABLE forms copy every row into a new file and rebuild every index while holding ACCESS EXCLUSIVE: `SET LOGGED`, `SET UNLOGGED`, `SET ACCESS METHOD`, `ALTER COLUMN ... SET EXPRESSION` (PostgreSQL 17). Reads and writes wait for the whole copy, which takes as long as the table is big.",
    example: "ALTER TABLE events SET UNLOGGED;",
    useInstead: "-- create the new table with the wanted setting, copy rows in batches, then swap names in a short transaction\nCREATE UNLOGGED TABLE events_new (LIKE events INCLUDING ALL);",
    alembic: 'op.execute("CREATE UNLOGGED TABLE events_new (LIKE events INCLUDING ALL)")\n# copy in batches, then in a later revision rename events_new to events',
    notes: "Changing a table to the persistence it already has does not rewrite and does not fire (when the script created the table). Column type changes are reported by changing-column-type; VACUUM FULL and CLUSTER by prefer-repack.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "alter-table-other")) {
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock?.rewrite) continue;
      ctx.report({
        message: `${op.what} rewrites ${op.table.written} and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole copy`,
        help: { text: "Build a new table with the wanted setting and copy rows in batches, or run it when the table is small or quiet, with a lock_timeout." },
        locks: [lock]
      });
    }
  }
});

// rules/prefer-repack.ts
var prefer_repack_default = defineRule({
  id: "prefer-repack",
  severity: "error",
  durationHazard: true,
  summary: "VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE; pg_repack does it online",
  docs: {
    why: "`VACUUM FULL` and `CLUSTER` write a new copy of the table and of every index while holding ACCESS EXCLUSIVE: no read or write of the table until the copy is done, minutes to hours on a big table. Neither belongs in a deploy. The `pg_repack` extension (or `pg_squeeze`) rewrites a table with only brief locks at the start and the end; a plain `VACUUM` reclaims space for reuse without blocking.",
    example: "VACUUM FULL orders;",
    useInstead: "VACUUM (ANALYZE) orders;",
    alembic: "# not in a migration: run pg_repack from a maintenance job, e.g.\n# pg_repack --table=orders --dbname=app",
    notes: "VACUUM cannot run inside a transaction block either, so in alembic it needs `autocommit_block()` in any case.",
    references: [
      "https://www.postgresql.org/docs/current/sql-vacuum.html",
      "https://www.postgresql.org/docs/current/sql-cluster.html",
      "https://reorg.github.io/pg_repack/"
    ]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      const rewrites = op.op === "vacuum" && op.full || op.op === "cluster";
      if (!rewrites) continue;
      const locks = existingLocks(effect.locks);
      if (op.table && locks.length === 0) continue;
      const what = op.op === "cluster" ? "CLUSTER" : "VACUUM FULL";
      ctx.report({
        message: `${what} ${op.table ? op.table.written : "(every table)"} rewrites ${op.table ? "the table" : "each table"} and its indexes under ACCESS EXCLUSIVE: reads and writes wait until it finishes`,
        help: { text: "Use pg_repack (or pg_squeeze) outside the migration; a plain VACUUM does not block reads or writes." },
        locks
      });
    }
  }
});

// rules/attaching-partition-with-scan.ts
var attaching_partition_with_scan_default = defineRule({
  id: "attaching-partition-with-scan",
  severity: "warning",
  durationHazard: true,
  summary: "ATTACH PARTITION scans the new partition under ACCESS EXCLUSIVE unless a CHECK proves its bound",
  docs: {
    why: "`ALTER TABLE parent ATTACH PARTITION child FOR VALUES ...` takes ACCESS EXCLUSIVE on the child (and SHARE UPDATE EXCLUSIVE on the parent from PostgreSQL 12, ACCESS EXCLUSIVE before) and reads every row of the child to check it fits the bound, unless a validated CHECK constraint on the child already implies the bound. With a DEFAULT partition, that one is scanned too.",
    example: "-- Running upgrade  -> a1\nCREATE TABLE events (id bigint, created_at timestamptz) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2025 (id bigint, created_at timestamptz);\n-- Running upgrade a1 -> b2\nALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    useInstead: "-- Running upgrade  -> a1\nCREATE TABLE events (id bigint, created_at timestamptz) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2025 (id bigint, created_at timestamptz);\n-- Running upgrade a1 -> b2\nALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (created_at IS NOT NULL AND created_at >= '2025-01-01' AND created_at < '2026-01-01') NOT VALID;\n-- Running upgrade b2 -> c3\nALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound;\nALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nALTER TABLE events_2025 DROP CONSTRAINT events_2025_bound;",
    alembic: `op.create_check_constraint("events_2025_bound", "events_2025", "created_at IS NOT NULL AND created_at >= '2025-01-01' AND created_at < '2026-01-01'", postgresql_not_valid=True)
op.execute("ALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound")
# next revision:
op.execute("ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')")
op.drop_constraint("events_2025_bound", "events_2025", type_="check")`,
    notes: "locklint recognises a validated CHECK on the partition key columns as proof of the bound. Drop the CHECK after the attach: the partition constraint takes over.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "attach-partition")) {
      const lock = existingLockOn(ctx.effects.locks, op.partition);
      if (!lock?.scan) continue;
      ctx.report({
        message: `attaching ${op.partition.written} reads all its rows under ACCESS EXCLUSIVE to check the partition bound`,
        help: {
          text: "Add a CHECK constraint matching the bound (NOT VALID, then VALIDATE, without blocking writes) before the ATTACH: PostgreSQL then skips the scan."
        },
        locks: [lock]
      });
    }
  }
});

// rules/ban-truncate-cascade.ts
var ban_truncate_cascade_default = defineRule({
  id: "ban-truncate-cascade",
  severity: "error",
  summary: "TRUNCATE ... CASCADE also empties every table that references the truncated one",
  docs: {
    why: "`TRUNCATE ... CASCADE` empties the named table and, recursively, every table with a foreign key to it, including tables the author did not think of. Each one is locked ACCESS EXCLUSIVE and replaced by an empty file: reads and writes of all of them wait, and their rows are gone.",
    example: "TRUNCATE customers CASCADE;",
    useInstead: "DELETE FROM carts WHERE expires_at < now();",
    alembic: '# empty exactly the tables you mean, in batches:\nop.execute("DELETE FROM carts WHERE expires_at < now()")',
    notes: "When emptying a table is really intended, name every table in one TRUNCATE without CASCADE: PostgreSQL then refuses if another table still references them.",
    references: ["https://www.postgresql.org/docs/current/sql-truncate.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "truncate")) {
      if (!op.cascade) continue;
      const locks = existingLocks(ctx.effects.locks);
      const others = locks.map((l) => l.relation).filter((r) => r !== op.table.written);
      ctx.report({
        message: `TRUNCATE ${op.table.written} CASCADE empties every table that references it${others.length ? ` (${others.join(", ")})` : " (which ones depends on the database: none are known from this script)"}, each under ACCESS EXCLUSIVE`,
        help: { text: "Name the tables to empty without CASCADE, or delete the rows you mean." },
        locks
      });
    }
  }
});

// rules/truncating-table.ts
var truncating_table_default = defineRule({
  id: "truncating-table",
  severity: "warning",
  summary: "TRUNCATE of an existing table: ACCESS EXCLUSIVE and every row gone",
  docs: {
    why: "`TRUNCATE` takes ACCESS EXCLUSIVE on the table (reads and writes wait, and it waits for every running query first) and replaces its file with an empty one: the rows are gone, and the lock is held until the migration's transaction commits. In a migration that is rarely what production wants.",
    example: "TRUNCATE sessions;",
    useInstead: "DELETE FROM sessions WHERE created_at < now() - interval '30 days';",
    alembic: `op.execute("DELETE FROM sessions WHERE created_at < now() - interval '30 days'")  # in batches for big tables`,
    notes: "Tables created earlier in the same revision are exempt. TRUNCATE ... CASCADE is reported by ban-truncate-cascade.",
    references: ["https://www.postgresql.org/docs/current/sql-truncate.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "truncate")) {
      if (op.cascade) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      ctx.report({
        message: `TRUNCATE ${op.table.written} deletes every row under ACCESS EXCLUSIVE: reads and writes wait until the transaction ends`,
        help: { text: "Delete the rows you mean (in batches for a big table), or make sure emptying the table is intended and run it with a lock_timeout." },
        locks: [lock]
      });
    }
  }
});

// rules/deleting-all-rows.ts
var deleting_all_rows_default = defineRule({
  id: "deleting-all-rows",
  severity: "warning",
  summary: "DELETE without WHERE on an existing table: every row locked and deleted in one transaction",
  docs: {
    why: "`DELETE` without a WHERE clause reads the whole table (ROW EXCLUSIVE: writes to the same rows wait) and deletes every row in the migration's transaction: every deleted row stays locked until COMMIT, the table bloats until vacuum, and a concurrent ALTER TABLE or index build queues behind it. It is rarely what a deploy should do.",
    example: "DELETE FROM sessions;",
    useInstead: "DELETE FROM sessions WHERE created_at < now() - interval '30 days';",
    alembic: `op.execute("DELETE FROM sessions WHERE created_at < now() - interval '30 days'")  # in batches for a big table`,
    notes: "Tables created earlier in the same revision are exempt. Data changes in a migration are also reported by backfilling-in-migration.",
    references: ["https://www.postgresql.org/docs/current/sql-delete.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "delete")) {
      if (op.where !== null) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      ctx.report({
        message: `DELETE without WHERE removes every row of ${op.table.written} in one transaction`,
        help: {
          text: "Delete only the rows you mean, in batches outside the migration for a big table; if emptying the table is intended, say so in a comment and consider TRUNCATE in a quiet moment."
        },
        locks: [lock]
      });
    }
  }
});

// rules/backfilling-in-migration.ts
var backfilling_in_migration_default = defineRule({
  id: "backfilling-in-migration",
  severity: "warning",
  durationHazard: true,
  summary: "UPDATE of an existing table inside the migration: rows stay locked until COMMIT, with every lock taken before it",
  docs: {
    why: "A backfill (`UPDATE` of an existing table) in a migration runs in the migration's transaction: every row it changes stays locked against other writers until COMMIT, it writes a new version of each row (bloat, WAL, replication lag), and every lock the transaction took before it (an ALTER TABLE's ACCESS EXCLUSIVE, say) is held for the whole backfill. alembic's default is one transaction for all revisions, so a backfill extends the locks of every earlier revision in the run.",
    example: "UPDATE users SET status = 'active' WHERE status IS NULL;",
    useInstead: "-- not in the migration: in a script or a job, in batches, each in its own transaction:\n-- UPDATE users SET status = 'active' WHERE id BETWEEN :lo AND :hi AND status IS NULL;",
    alembic: `# keep schema changes in the migration; backfill outside it, in batches:
# for lo in range(0, max_id, 10_000):
#     conn.execute(text("UPDATE users SET status = 'active' WHERE id >= :lo AND id < :hi AND status IS NULL"), {"lo": lo, "hi": lo + 10_000})
#     conn.commit()`,
    notes: "Small lookup tables are fine to fill in a migration (the rule cannot know a table's size without statistics). Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-update.html", "https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "update")) {
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const scope = op.where === null ? "every row" : "the rows it matches";
      ctx.report({
        message: `UPDATE of ${op.table.written} in the migration keeps ${scope} locked until the transaction commits${ctx.inTransactionBlock ? ", together with every lock taken before it in the transaction" : ""}`,
        help: { text: "Backfill outside the migration, in batches that each commit; keep the migration to schema changes." },
        locks: [lock]
      });
    }
  }
});

// rules/locking-table.ts
var locking_table_default = defineRule({
  id: "locking-table",
  severity: "warning",
  summary: "An explicit LOCK TABLE that blocks reads or writes until the transaction ends",
  docs: {
    why: "`LOCK TABLE` without a mode takes ACCESS EXCLUSIVE; `SHARE` and stronger modes block writes. The lock is held until the migration's transaction commits, so every statement after it, and every revision after it when alembic runs them in one transaction, extends the outage. It also waits for every running query on the table first, and queues all others behind it.",
    example: "LOCK TABLE orders;",
    useInstead: "SET lock_timeout = '2s';\nLOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE;",
    alembic: `op.execute("SET lock_timeout = '2s'")
op.execute("LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE")  # only if you need it at all`,
    notes: "Take the weakest mode that does the job, as late as possible, with a lock_timeout; most migrations need no explicit lock at all.",
    references: ["https://www.postgresql.org/docs/current/sql-lock.html", "https://www.postgresql.org/docs/current/explicit-locking.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "lock-table")) {
      const locks = existingLocks(ctx.effects.locks).filter((l) => blocksReadsOrWrites(l.mode));
      if (locks.length === 0) continue;
      ctx.report({
        message: `LOCK TABLE ${op.table.written} IN ${op.mode} MODE blocks ${locks[0].blocks.filter((b) => b !== "ddl").join(" and ")} until the transaction ends`,
        help: { text: "Drop the explicit lock if the statements after it take what they need, or take a weaker mode with a lock_timeout." },
        locks
      });
    }
  }
});

// rules/changing-trigger.ts
var changing_trigger_default = defineRule({
  id: "changing-trigger",
  severity: "warning",
  summary: "CREATE, DROP, ENABLE or DISABLE TRIGGER on an existing table without a lock_timeout: writes queue behind it",
  docs: {
    why: "`CREATE TRIGGER` and `ALTER TABLE ... ENABLE/DISABLE TRIGGER` take SHARE ROW EXCLUSIVE on the table, `DROP TRIGGER` takes ACCESS EXCLUSIVE: writes (and for DROP, reads) wait, first for every running query on the table and then until the migration's transaction commits. A new trigger also slows every later write, and a disabled one silently skips its work (audit rows, denormalised columns) for every write until it is enabled again.",
    example: "CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();",
    useInstead: "SET lock_timeout = '2s';\nCREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();",
    alembic: `op.execute("SET lock_timeout = '2s'")  # fail fast rather than queue writes
op.execute("CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row()")
# keep the revision short: the lock is held until it commits`,
    notes: "The lock itself is short; the risk is waiting for it behind a long query (every write queues behind the waiting statement), and holding it while the rest of the transaction runs. With a lock_timeout set the rule is satisfied; keep trigger changes in a short revision of their own. Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-createtrigger.html",
      "https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES"
    ]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "create-trigger" && op.op !== "drop-trigger" && op.op !== "enable-disable-trigger") continue;
      const locks = existingLocks(effect.locks);
      if (locks.length === 0 || !isDisabledTimeout(ctx.setting("lock_timeout"))) continue;
      const verb = op.op === "create-trigger" ? "creating a trigger on" : op.op === "drop-trigger" ? "dropping a trigger of" : "enabling or disabling a trigger of";
      ctx.report({
        message: `${verb} ${op.table.written} takes ${locks[0].mode} with no lock_timeout: if a long query holds the table, ${locks[0].blocks.filter((b) => b !== "ddl").join(" and ")} queue behind this statement`,
        help: {
          text: "Set a lock_timeout first, and keep the revision short: the lock is held until it commits.",
          sql: LOCK_TIMEOUT_SQL,
          alembic: `op.execute("SET lock_timeout = '2s'")`
        },
        locks
      });
    }
  }
});

// rules/transaction-incompatible-statement.ts
var transaction_incompatible_statement_default = defineRule({
  id: "transaction-incompatible-statement",
  severity: "error",
  summary: "A statement PostgreSQL refuses inside a transaction block (VACUUM, ALTER TYPE ... ADD VALUE before 12, REINDEX SCHEMA, ...)",
  docs: {
    why: "Some statements cannot run inside `BEGIN ... COMMIT`: `VACUUM`, `REINDEX SCHEMA/DATABASE/SYSTEM`, `CLUSTER` without a table, and before PostgreSQL 12 `ALTER TYPE ... ADD VALUE`. alembic runs each migration in a transaction, so the migration fails at that statement and everything before it in the transaction is rolled back. (CONCURRENTLY forms are reported by concurrent-index-in-transaction.)",
    example: "BEGIN;\nVACUUM ANALYZE orders;\nCOMMIT;",
    useInstead: "BEGIN;\nANALYZE orders;\nCOMMIT;",
    alembic: 'with op.get_context().autocommit_block():\n    op.execute("VACUUM ANALYZE orders")',
    notes: "`ANALYZE` alone may run in a transaction. `ALTER TYPE ... ADD VALUE` may run in a transaction from PostgreSQL 12, but the new value cannot be used until it commits.",
    references: ["https://www.postgresql.org/docs/current/sql-vacuum.html", "https://www.postgresql.org/docs/current/sql-altertype.html"]
  },
  check(ctx) {
    const reason = ctx.effects.nonTransactionalReason;
    if (!ctx.inTransactionBlock || !reason || reason.includes("CONCURRENTLY")) return;
    ctx.report({
      message: `${reason} cannot run inside a transaction block: PostgreSQL rejects it and the migration fails`,
      help: {
        text: `Run it outside the transaction: ${AUTOCOMMIT_NOTE}.`,
        sql: `COMMIT;
${ctx.statement.sql};
BEGIN;`,
        alembic: "with op.get_context().autocommit_block():\n    op.execute(...)"
      },
      locks: []
    });
  }
});

// rules/transaction-nesting.ts
var transaction_nesting_default = defineRule({
  id: "transaction-nesting",
  severity: "error",
  summary: "BEGIN inside a transaction, or COMMIT / ROLLBACK outside one",
  docs: {
    why: 'PostgreSQL has no nested transactions: a `BEGIN` inside an open transaction is ignored with a warning, and the next `COMMIT` ends the outer transaction early, so the statements after it run outside the transaction the author thought they were in (and alembic\'s own COMMIT then finds none). A `COMMIT` outside any transaction does nothing. Both usually come from `op.execute("BEGIN")` or `op.execute("COMMIT")` inside a migration that alembic already wraps in a transaction.',
    example: "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nBEGIN;\nUPDATE users SET note = '';\nCOMMIT;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nSAVEPOINT backfill;\nUPDATE users SET note = '';\nRELEASE SAVEPOINT backfill;\nCOMMIT;",
    alembic: '# do not op.execute("BEGIN") / op.execute("COMMIT"); to leave the transaction use:\nwith op.get_context().autocommit_block():\n    ...',
    references: ["https://www.postgresql.org/docs/current/sql-begin.html", "https://www.postgresql.org/docs/current/sql-commit.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "transaction")) {
      if (op.kind === "begin" && ctx.place.transactionBefore !== null) {
        ctx.report({
          message: "BEGIN inside a transaction: PostgreSQL ignores it, and the next COMMIT ends the outer transaction",
          help: { text: "Remove it; use SAVEPOINT for a nested scope, or autocommit_block() to step out of alembic's transaction." }
        });
      } else if ((op.kind === "commit" || op.kind === "rollback") && !op.chain && ctx.place.transactionBefore === null) {
        ctx.report({
          message: `${op.kind.toUpperCase()} outside a transaction does nothing`,
          help: { text: "Remove it, or check which BEGIN it was meant to close." }
        });
      }
    }
  }
});

// rules/ban-uncommitted-transaction.ts
var ban_uncommitted_transaction_default = defineRule({
  id: "ban-uncommitted-transaction",
  severity: "error",
  summary: "A transaction left open at the end of the file",
  docs: {
    why: "A file that ends after `BEGIN` without `COMMIT` leaves its transaction open: run through psql, the work is rolled back when the session ends; run by a tool that keeps the connection, every lock the transaction took stays held, blocking the tables it touched, until someone notices. alembic's `--sql` output always ends with COMMIT, so an open transaction points at a hand-edited or truncated script.",
    example: "BEGIN;\nALTER TABLE users ADD COLUMN note text;",
    useInstead: "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;",
    alembic: '# alembic closes its transaction itself; check for an op.execute("BEGIN") without its COMMIT, or a truncated --sql output',
    references: ["https://www.postgresql.org/docs/current/sql-commit.html"]
  },
  onUnclosedTransaction(ctx) {
    ctx.report({
      message: "this transaction is still open at the end of the file: nothing commits it",
      help: { text: "End it with COMMIT (or ROLLBACK)." },
      locks: []
    });
  }
});

// rules/ban-duplicate-column-assignments.ts
var CANDIDATE = /^\s*(?:WITH\b[\s\S]*)?\b(?:UPDATE|INSERT|MERGE|CREATE|SELECT)\b/i;
var ban_duplicate_column_assignments_default = defineRule({
  id: "ban-duplicate-column-assignments",
  severity: "error",
  summary: "A statement that assigns or defines the same column twice: PostgreSQL rejects it",
  docs: {
    why: "`UPDATE t SET a = 1, a = 2` fails with `multiple assignments to same column`; `INSERT INTO t (a, a)`, `CREATE TABLE t (a int, a text)`, `CREATE VIEW v (a, a)`, and a view or `SELECT ... INTO` whose select list yields two columns of one name fail with `column specified more than once`. The migration fails at that statement and its transaction rolls back. It is usually a copy-and-paste slip.",
    example: "UPDATE users SET status = 'active', status = 'new' WHERE id = 1;",
    useInstead: "UPDATE users SET status = 'active' WHERE id = 1;",
    alembic: `op.execute("UPDATE users SET status = 'active' WHERE id = 1")`,
    notes: "Checks UPDATE ... SET (also in INSERT ... ON CONFLICT DO UPDATE and MERGE), INSERT and MERGE column lists, CREATE [FOREIGN] TABLE columns, CREATE VIEW column lists and, without one, the names its select list gives (`SELECT 1, 2` names both `?column?`), and CREATE TABLE AS / SELECT INTO. Names compare as PostgreSQL does: unquoted names folded to lower case, all cut to 63 bytes. Assigning two fields or elements of one column (`a.x`, `a.y`) is allowed; the whole column and a field of it is not.",
    references: ["https://www.postgresql.org/docs/current/sql-update.html", "https://www.postgresql.org/docs/current/sql-createtable.html"]
  },
  check(ctx) {
    if (ctx.statement.syntaxError || !CANDIDATE.test(ctx.statement.sql)) return;
    let tree;
    try {
      tree = parseTree(ctx.statement.sql);
    } catch {
      return;
    }
    for (const { names: names2, clash } of columnLists(tree)) {
      const repeated = duplicates(names2);
      if (repeated.length === 0) continue;
      ctx.report({
        message: clash === "assigned" ? `assigns ${repeated.join(", ")} more than once: PostgreSQL rejects the statement (multiple assignments to same column)` : `names column ${repeated.join(", ")} more than once: PostgreSQL rejects the statement (column specified more than once)`,
        help: {
          text: clash === "assigned" ? "Keep one assignment per column." : "Give each column its own name (an alias in the select list, or the view's column list)."
        },
        locks: []
      });
    }
  }
});
function truncated(name) {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length <= 63) return name;
  let end = 63;
  while (end > 0 && (bytes[end] & 192) === 128) end--;
  return new TextDecoder().decode(bytes.slice(0, end));
}
function duplicates(names2) {
  const byName = /* @__PURE__ */ new Map();
  for (const n of names2) {
    const key = truncated(n.name);
    byName.set(key, [...byName.get(key) ?? [], n]);
  }
  return [...byName].filter(([, uses]) => uses.length > 1 && uses.some((u) => !u.partial)).map(([name]) => name);
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function nodes(value) {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
function body2(node, kind) {
  const inner = node[kind];
  return isObject(inner) ? inner : void 0;
}
function targets(list2) {
  return nodes(list2).map((n) => body2(n, "ResTarget")).filter((t) => t !== void 0 && typeof t.name === "string").map((t) => ({ name: t.name, partial: nodes(t.indirection).length > 0 }));
}
function selectName(target) {
  if (typeof target.name === "string") return target.name;
  const value = isObject(target.val) ? target.val : void 0;
  if (!value) return null;
  const column2 = body2(value, "ColumnRef");
  if (column2) {
    const last = nodes(column2.fields).at(-1);
    const field = last ? body2(last, "String") : void 0;
    return typeof field?.sval === "string" ? field.sval : null;
  }
  const call = body2(value, "FuncCall");
  if (call) {
    const last = nodes(call.funcname).at(-1);
    const name = last ? body2(last, "String") : void 0;
    return typeof name?.sval === "string" ? name.sval : null;
  }
  if (body2(value, "A_Const")) return "?column?";
  return null;
}
function selectNames(select) {
  if (!select || select.op !== void 0 && select.op !== "SETOP_NONE") return null;
  const names2 = [];
  for (const t of nodes(select.targetList)) {
    const target = body2(t, "ResTarget");
    const name = target ? selectName(target) : null;
    if (name === null) return null;
    names2.push({ name, partial: false });
  }
  return names2;
}
function columnLists(tree) {
  const found = [];
  const visit = (value) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    for (const [kind, inner] of Object.entries(value)) {
      if (isObject(inner)) collect(kind, inner, found);
      visit(inner);
    }
  };
  visit(tree);
  return found;
}
function collect(kind, node, found) {
  switch (kind) {
    case "UpdateStmt":
      found.push({ names: targets(node.targetList), clash: "assigned" });
      return;
    case "InsertStmt":
      found.push({ names: targets(node.cols), clash: "assigned" });
      if (isObject(node.onConflictClause)) found.push({ names: targets(node.onConflictClause.targetList), clash: "assigned" });
      return;
    case "MergeWhenClause":
      found.push({ names: targets(node.targetList), clash: "assigned" });
      return;
    case "CreateForeignTableStmt":
      if (isObject(node.base)) collect("CreateStmt", node.base, found);
      return;
    case "CreateStmt": {
      const columns = nodes(node.tableElts).map((e) => body2(e, "ColumnDef")).filter((c) => typeof c?.colname === "string").map((c) => ({ name: c.colname, partial: false }));
      found.push({ names: columns, clash: "defined" });
      return;
    }
    case "ViewStmt": {
      const aliases = nodes(node.aliases).map((a) => ({ name: String(body2(a, "String")?.sval), partial: false }));
      const selected = selectNames(isObject(node.query) ? body2(node.query, "SelectStmt") : void 0);
      found.push({ names: [...aliases, ...(selected ?? []).slice(aliases.length)], clash: "defined" });
      return;
    }
    case "CreateTableAsStmt":
    case "SelectStmt": {
      const into = kind === "SelectStmt" ? isObject(node.intoClause) ? node.intoClause : void 0 : isObject(node.into) ? body2(node.into, "IntoClause") ?? node.into : void 0;
      if (!into) return;
      const given = nodes(into.colNames).map((c) => ({ name: String(body2(c, "String")?.sval), partial: false }));
      const query = kind === "SelectStmt" ? node : isObject(node.query) ? body2(node.query, "SelectStmt") : void 0;
      const names2 = given.length > 0 ? given : selectNames(query);
      if (names2) found.push({ names: names2, clash: "defined" });
      return;
    }
  }
}

// rules/dropping-database.ts
var dropping_database_default = defineRule({
  id: "dropping-database",
  severity: "error",
  summary: "DROP DATABASE in a migration",
  docs: {
    why: "`DROP DATABASE` removes a whole database and every row in it, irreversibly. It cannot run inside a transaction block, and it fails while anyone is connected (or, WITH (FORCE), disconnects them). It has no place in an application's migration history.",
    example: "DROP DATABASE analytics;",
    useInstead: "-- drop databases by hand, after a backup, outside the application's migrations",
    alembic: "# not in a migration",
    references: ["https://www.postgresql.org/docs/current/sql-dropdatabase.html"]
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "drop-database") continue;
      ctx.report({
        message: `DROP DATABASE ${op.name} destroys the whole database`,
        help: { text: "Remove it from the migration; drop databases by hand after a backup." }
      });
    }
  }
});

// rules/dropping-schema.ts
var dropping_schema_default = defineRule({
  id: "dropping-schema",
  severity: "error",
  summary: "DROP SCHEMA: with CASCADE every table in it goes, each under ACCESS EXCLUSIVE",
  docs: {
    why: "`DROP SCHEMA ... CASCADE` drops every table, view, function and type in the schema, taking ACCESS EXCLUSIVE on each (and on the tables their foreign keys point at): the data is gone and running code that uses any of them fails. Without CASCADE it fails unless the schema is empty, which makes the migration fail instead.",
    example: "DROP SCHEMA reporting CASCADE;",
    useInstead: "-- drop the schema's tables one revision at a time, after the code stops using them\nDROP SCHEMA IF EXISTS reporting_empty;",
    alembic: '# after every object in it is gone:\nop.execute("DROP SCHEMA reporting")',
    notes: "A plain DROP SCHEMA of an empty schema is harmless and reported only with CASCADE.",
    references: ["https://www.postgresql.org/docs/current/sql-dropschema.html"]
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "drop-schema" || !op.cascade) continue;
      ctx.report({
        message: `DROP SCHEMA ${op.schema} CASCADE drops every object in the schema, and their data`,
        help: { text: "Drop the schema's tables explicitly, each after the code stops using it; then drop the empty schema without CASCADE." }
      });
    }
  }
});

// rules/renaming-schema.ts
var renaming_schema_default = defineRule({
  id: "renaming-schema",
  severity: "warning",
  summary: "ALTER SCHEMA ... RENAME breaks every query that names the old schema",
  docs: {
    why: "Renaming a schema is instant, but every running query, view definition in application code, search_path setting and ORM model (`__table_args__ = {'schema': ...}`) that names the old schema fails from that moment until the new code is deployed everywhere.",
    example: "ALTER SCHEMA billing RENAME TO invoicing;",
    useInstead: "CREATE SCHEMA invoicing;\n-- move tables one by one (ALTER TABLE ... SET SCHEMA), with views in the old schema during the switch",
    alembic: 'op.execute("CREATE SCHEMA invoicing")\n# move objects over revisions; keep the old names working with views until the code has moved',
    references: ["https://www.postgresql.org/docs/current/sql-alterschema.html"]
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "rename-schema") continue;
      ctx.report({
        message: `renaming schema ${op.schema} to ${op.newName} breaks running code that uses ${op.schema}`,
        help: { text: "Keep the old schema's names working during the deploy (views, or move objects one at a time), and remove them in a later revision." }
      });
    }
  }
});

// rules/renaming-enum-value.ts
var renaming_enum_value_default = defineRule({
  id: "renaming-enum-value",
  severity: "warning",
  summary: "ALTER TYPE ... RENAME VALUE breaks running code that still writes or compares the old value",
  docs: {
    why: "Renaming an enum value is instant and takes no table lock, but from that moment every INSERT or UPDATE that still sends the old label fails (`invalid input value for enum`), and every query comparing with it matches nothing. The version of the application still running during the deploy sends the old label.",
    example: "ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';",
    useInstead: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled';\n-- deploy code that writes the new value and reads both; migrate rows in batches; stop using the old value",
    alembic: `op.execute("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled'")
# the old value cannot be removed from an enum; leave it unused, or move the column to a new type later`,
    references: ["https://www.postgresql.org/docs/current/sql-altertype.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "rename-enum-value")) {
      ctx.report({
        message: `renaming value '${op.from}' of ${op.type.written} to '${op.to}' breaks running code that still uses '${op.from}'`,
        help: { text: "Add the new value, move code and rows to it, and leave the old value unused." }
      });
    }
  }
});

// rules/adding-domain-constraint.ts
var adding_domain_constraint_default = defineRule({
  id: "adding-domain-constraint",
  severity: "warning",
  summary: "CHECK constraints on domains: adding one checks every column of the domain under SHARE",
  docs: {
    why: "`ALTER DOMAIN ... ADD CONSTRAINT` checks every column of every table that uses the domain, holding a SHARE lock on each of those tables (writes wait) for the whole scan; locklint lists the tables it knows use the domain. Domain constraints are also hard to change later: a new or stricter rule touches all those tables at once. `CREATE DOMAIN ... CHECK` is where that coupling starts.",
    example: "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0);",
    useInstead: "ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID;\n-- and later, in its own transaction: ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive;",
    alembic: 'op.execute("ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID")\n# later revision:\nop.execute("ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive")',
    notes: "Prefer CHECK constraints on the table columns themselves: they can be added NOT VALID and validated one table at a time. A domain created with a CHECK is reported as a warning for the same reason; a NOT VALID domain constraint is not reported.",
    references: ["https://www.postgresql.org/docs/current/sql-alterdomain.html", "https://www.postgresql.org/docs/current/sql-createdomain.html"]
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "domain-constraint" || op.notValid || op.action === "validate") continue;
      const tables = effect.locks.map((l) => l.relation);
      ctx.report({
        message: op.action === "create" ? `domain ${op.domain.written} has a CHECK constraint: changing it later checks every column of the domain at once` : `adding a constraint to domain ${op.domain.written} checks every column that uses it under SHARE${tables.length ? ` (${tables.join(", ")})` : " (the tables using it are not known from this script)"}`,
        help: { text: "Use CHECK constraints on table columns (NOT VALID, then VALIDATE), or add the domain constraint NOT VALID and validate it separately." }
      });
    }
  }
});

// rules/identifier-too-long.ts
var MAX_BYTES = 63;
var identifier_too_long_default = defineRule({
  id: "identifier-too-long",
  severity: "warning",
  summary: "A new name longer than 63 bytes: PostgreSQL silently truncates it",
  docs: {
    why: "PostgreSQL keeps the first 63 bytes of an identifier and drops the rest with only a NOTICE. The object then has a different name from the one in the migration and the models: a later `op.drop_constraint` or `op.drop_index` with the full name fails, and two long names with the same first 63 bytes collide. SQLAlchemy naming conventions produce such names for long table and column names.",
    example: "CREATE INDEX ix_customer_subscription_billing_events_processed_at_and_customer_id_and_region ON events (processed_at);",
    useInstead: "CREATE INDEX ix_billing_events_processed_customer ON events (processed_at);",
    alembic: 'op.create_index("ix_billing_events_processed_customer", "events", ["processed_at"])  # name it explicitly when the convention makes it too long',
    references: ["https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS"]
  },
  check(ctx) {
    if (!hasLongWord(ctx.statement.sql)) return;
    for (const { name, at: at2 } of identifiersOf(ctx.statement.sql)) {
      const bytes = utf8Length(name, 0, name.length);
      if (bytes <= MAX_BYTES) continue;
      ctx.report({
        message: `"${name}" is ${bytes} bytes long: PostgreSQL truncates it to ${MAX_BYTES} bytes ("${truncate(name)}")`,
        help: {
          text: "Give the object a shorter explicit name (alembic: the name argument of op.create_index / op.create_foreign_key / ..., or a shorter naming convention)."
        },
        at: at2,
        locks: []
      });
    }
  }
});
function hasLongWord(sql) {
  let run2 = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c <= 32 || c === 40 || c === 41 || c === 44 || c === 59 || c === 46) run2 = 0;
    else if ((run2 += c < 128 ? 1 : c < 2048 ? 2 : 3) > MAX_BYTES) return true;
  }
  return false;
}
function truncate(name) {
  let bytes = 0;
  let out = "";
  for (const ch of name) {
    const size = utf8Length(ch, 0, ch.length);
    if (bytes + size > MAX_BYTES) break;
    bytes += size;
    out += ch;
  }
  return out;
}

// rules/require-statement-timeout.ts
var HOLDS_OFF_OTHERS = LOCK_MODES.indexOf("SHARE UPDATE EXCLUSIVE");
var require_statement_timeout_default = defineRule({
  id: "require-statement-timeout",
  severity: "warning",
  optional: true,
  summary: "A lock of SHARE UPDATE EXCLUSIVE or stronger on an existing table with no statement_timeout: a slow statement holds it without bound",
  docs: {
    why: "`lock_timeout` bounds the wait for a lock; `statement_timeout` bounds how long a statement may then run while holding it. Without one, a rewrite, scan or index build that is slower than expected keeps its lock until it finishes or someone cancels it: reads or writes wait behind ACCESS EXCLUSIVE, SHARE and SHARE ROW EXCLUSIVE, and even the SHARE UPDATE EXCLUSIVE of `CREATE INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `VALIDATE CONSTRAINT` and `VACUUM` keeps autovacuum (wraparound protection included) and every later schema change on the table waiting.",
    example: "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    useInstead: "SET statement_timeout = '5min';\nALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);",
    alembic: `op.execute("SET statement_timeout = '5min'")  # or context.execute(...) in env.py`,
    notes: "Off by default: backfills and index builds legitimately run long, and a timeout that fires half-way wastes the work (a cancelled `CREATE INDEX CONCURRENTLY` leaves an INVALID index to drop). Fires at the first statement of the revision (of the file, without revision markers) that takes SHARE UPDATE EXCLUSIVE or stronger on a relation that existed before it; queries and DML (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE) and tables created in the same revision do not count. `statement_timeout = 0` counts as none.",
    references: ["https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT"]
  },
  check(ctx) {
    const lock = strongest2(existingLocks(ctx.effects.locks).filter((l) => LOCK_MODES.indexOf(l.mode) >= HOLDS_OFF_OTHERS));
    if (!lock || !isDisabledTimeout(ctx.setting("statement_timeout")) || !ctx.firstTime(ctx.place.unit.key)) return;
    const stops = lock.blocks.includes("reads") ? "reads, writes" : lock.blocks.includes("writes") ? "writes" : "VACUUM";
    ctx.report({
      message: `${lock.mode} on existing ${lock.kind} ${lock.relation} with no statement_timeout: however long this statement runs, ${stops} and schema changes on ${lock.relation} wait`,
      help: { text: "Set a statement_timeout that bounds the migration's statements.", sql: "SET statement_timeout = '5min';" },
      locks: [lock]
    });
  }
});
function strongest2(locks) {
  let best;
  for (const l of locks) if (!best || LOCK_MODES.indexOf(l.mode) > LOCK_MODES.indexOf(best.mode)) best = l;
  return best;
}

// rules/ban-drop-not-null.ts
var ban_drop_not_null_default = defineRule({
  id: "ban-drop-not-null",
  severity: "warning",
  optional: true,
  summary: "DROP NOT NULL lets NULLs reach code that assumes there are none",
  docs: {
    why: "`ALTER COLUMN ... DROP NOT NULL` is instant (a brief ACCESS EXCLUSIVE), but from then on the column may hold NULLs that the running code, reports and downstream consumers do not expect. Putting NOT NULL back later needs a scan or a validated CHECK.",
    example: "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
    useInstead: "-- keep the constraint; if a value may be missing, make that explicit in the code first\nALTER TABLE users ALTER COLUMN email SET DEFAULT '';",
    alembic: 'op.alter_column("users", "email", server_default="")',
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "drop-not-null")) {
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      ctx.report({
        message: `${op.table.written}.${op.column} may now be NULL`,
        help: { text: "Deploy code that handles NULL before dropping the constraint." },
        locks: [lock]
      });
    }
  }
});

// rules/require-enum-value-ordering.ts
var require_enum_value_ordering_default = defineRule({
  id: "require-enum-value-ordering",
  severity: "warning",
  optional: true,
  summary: "ALTER TYPE ... ADD VALUE without BEFORE or AFTER appends the value at the end of the order",
  docs: {
    why: "Enum values sort in declaration order, and `ORDER BY`, `<` and `>` on the column use that order. A value added without `BEFORE` or `AFTER` goes last, which is right for some enums (a new status at the end of a workflow) and wrong for others (a new size between small and large).",
    example: "ALTER TYPE shirt_size ADD VALUE 'medium';",
    useInstead: "ALTER TYPE shirt_size ADD VALUE 'medium' AFTER 'small';",
    alembic: `op.execute("ALTER TYPE shirt_size ADD VALUE 'medium' AFTER 'small'")`,
    references: ["https://www.postgresql.org/docs/current/sql-altertype.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "add-enum-value")) {
      if (op.position !== "end") continue;
      ctx.report({
        message: `'${op.value}' is added at the end of ${op.type.written}'s order`,
        help: { text: "Say where it goes with BEFORE or AFTER, if the order matters." }
      });
    }
  }
});

// rules/creating-enum.ts
var creating_enum_default = defineRule({
  id: "creating-enum",
  severity: "warning",
  optional: true,
  summary: "CREATE TYPE ... AS ENUM: values can be added but never removed or reordered without a rewrite",
  docs: {
    why: "An enum type is cheap to create, but values can never be removed, and removing or reordering one means a new type and a column type change, which rewrites every table that uses it under ACCESS EXCLUSIVE. A lookup table, or text with a CHECK constraint (changed with NOT VALID and VALIDATE), keeps those changes online.",
    example: "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');",
    useInstead: "CREATE TABLE orders (status text NOT NULL CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'shipped')));",
    alembic: `sa.Column("status", sa.Text(), sa.CheckConstraint("status IN ('new', 'paid', 'shipped')", name="orders_status_check"), nullable=False)
# or sa.Enum(..., native_enum=False)`,
    references: ["https://www.postgresql.org/docs/current/datatype-enum.html"]
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "create-enum")) {
      ctx.report({
        message: `enum type ${op.type.written}: its values can later be added, but not removed or reordered without rewriting the tables that use it`,
        help: { text: "Consider text with a CHECK constraint, or a lookup table (alembic: sa.Enum(..., native_enum=False))." }
      });
    }
  }
});

// src/lint/column-types.ts
function declaredColumns(operation) {
  switch (operation.op) {
    case "create-table":
      return operation.columns.flatMap((c) => c.type ? [{ table: operation.table, column: c.name, type: c.type, location: c.location }] : []);
    case "add-column":
      return operation.column.type ? [{ table: operation.table, column: operation.column.name, type: operation.column.type, location: operation.column.location }] : [];
    case "alter-column-type":
      return operation.type ? [{ table: operation.table, column: operation.column, type: operation.type, location: operation.location }] : [];
    default:
      return [];
  }
}
function checkColumnTypes(ctx, matches, describe) {
  for (const { operation } of ctx.effects.operations) {
    for (const column2 of declaredColumns(operation)) {
      if (column2.type.schema === null && matches(column2.type)) ctx.report({ ...describe(column2), at: column2.location, locks: [] });
    }
  }
}

// rules/ban-char-field.ts
var ban_char_field_default = defineRule({
  id: "ban-char-field",
  severity: "warning",
  optional: true,
  summary: "char(n) columns pad with spaces; use text or varchar",
  docs: {
    why: "`char(n)` (`character`, alembic `sa.CHAR`) pads every value with spaces to n characters, compares ignoring trailing spaces, and is no faster than `text` in PostgreSQL. It is nearly always a mistake that later needs a type change, which rewrites the table.",
    example: "CREATE TABLE countries (code char(2));",
    useInstead: "CREATE TABLE countries (code text CHECK (length(code) = 2));",
    alembic: 'sa.Column("code", sa.Text(), sa.CheckConstraint("length(code) = 2"))',
    references: ["https://www.postgresql.org/docs/current/datatype-character.html", "https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29"]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "bpchar",
      (c) => ({
        message: `${c.table.written}.${c.column} is char(n): values are blank-padded`,
        help: { text: "Use text (with a CHECK on the length if it matters) or varchar." }
      })
    );
  }
});

// rules/prefer-text-field.ts
var prefer_text_field_default = defineRule({
  id: "prefer-text-field",
  severity: "warning",
  optional: true,
  summary: "varchar(n): shrinking the limit later rewrites the table; text with a CHECK does not",
  docs: {
    why: "A length limit in the type (`varchar(n)`, alembic `sa.String(n)`) can be raised without a rewrite, but lowering it, or moving to another limited type, takes ACCESS EXCLUSIVE and rewrites the table. `text` with a CHECK constraint on the length can change its limit with `NOT VALID` and `VALIDATE`, which block neither reads nor writes.",
    example: "CREATE TABLE users (email varchar(255));",
    useInstead: "CREATE TABLE users (email text CONSTRAINT users_email_length CHECK (length(email) <= 255));",
    alembic: 'sa.Column("email", sa.Text(), sa.CheckConstraint("length(email) <= 255", name="users_email_length"))',
    references: ["https://www.postgresql.org/docs/current/datatype-character.html"]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "varchar" && t.mods.length > 0,
      (c) => ({
        message: `${c.table.written}.${c.column} is varchar(${c.type.mods[0]}): changing that limit later may rewrite the table`,
        help: { text: "Use text with a CHECK constraint on the length." }
      })
    );
  }
});

// rules/prefer-timestamptz.ts
var prefer_timestamptz_default = defineRule({
  id: "prefer-timestamptz",
  severity: "warning",
  optional: true,
  summary: "timestamp without time zone loses the offset; use timestamptz",
  docs: {
    why: "`timestamp` (`timestamp without time zone`, alembic `sa.DateTime()` without `timezone=True`) stores the wall-clock value and drops the UTC offset, so the same instant written from two time zones becomes two values. Converting to `timestamptz` later rewrites the table unless the session time zone is UTC (PostgreSQL 12+).",
    example: "CREATE TABLE events (happened_at timestamp);",
    useInstead: "CREATE TABLE events (happened_at timestamptz);",
    alembic: 'sa.Column("happened_at", sa.DateTime(timezone=True))',
    references: [
      "https://www.postgresql.org/docs/current/datatype-datetime.html",
      "https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29"
    ]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "timestamp",
      (c) => ({
        message: `${c.table.written}.${c.column} is timestamp without time zone`,
        help: { text: "Use timestamptz (alembic: sa.DateTime(timezone=True))." }
      })
    );
  }
});

// rules/prefer-bigint-over-int.ts
var prefer_bigint_over_int_default = defineRule({
  id: "prefer-bigint-over-int",
  severity: "warning",
  optional: true,
  summary: "integer / serial ids run out at 2^31; moving to bigint later rewrites the table",
  docs: {
    why: "`integer` (and `serial`) stops at 2,147,483,647. Ids and counters that reach it make every INSERT fail, and the fix, `ALTER COLUMN ... TYPE bigint`, rewrites the table and its indexes under ACCESS EXCLUSIVE, at the worst moment: when the table is biggest. `bigint` costs 4 more bytes per row.",
    example: "CREATE TABLE orders (id serial PRIMARY KEY, quantity integer);",
    useInstead: "CREATE TABLE orders (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, quantity bigint);",
    alembic: 'sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)',
    references: ["https://www.postgresql.org/docs/current/datatype-numeric.html"]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "int4" || t.name === "serial",
      (c) => ({
        message: `${c.table.written}.${c.column} is ${c.type.name === "serial" ? "serial" : "integer"} (32-bit)`,
        help: { text: "Use bigint (alembic: sa.BigInteger())." }
      })
    );
  }
});

// rules/prefer-bigint-over-smallint.ts
var prefer_bigint_over_smallint_default = defineRule({
  id: "prefer-bigint-over-smallint",
  severity: "warning",
  optional: true,
  summary: "smallint / smallserial run out at 32,767; widening later rewrites the table",
  docs: {
    why: "`smallint` stops at 32,767. When a column outgrows it, `ALTER COLUMN ... TYPE` to a wider integer rewrites the table and its indexes under ACCESS EXCLUSIVE. Alignment often makes the saved bytes disappear anyway.",
    example: "CREATE TABLE plans (seats smallint);",
    useInstead: "CREATE TABLE plans (seats bigint);",
    alembic: 'sa.Column("seats", sa.BigInteger())',
    references: ["https://www.postgresql.org/docs/current/datatype-numeric.html"]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "int2" || t.name === "smallserial",
      (c) => ({
        message: `${c.table.written}.${c.column} is ${c.type.name === "smallserial" ? "smallserial" : "smallint"} (16-bit)`,
        help: { text: "Use bigint (or integer when you are sure)." }
      })
    );
  }
});

// rules/prefer-identity.ts
var prefer_identity_default = defineRule({
  id: "prefer-identity",
  severity: "warning",
  optional: true,
  summary: "serial columns: use GENERATED ... AS IDENTITY",
  docs: {
    why: "`serial` types create a sequence that is only loosely tied to the column: its permissions, ownership and copying (`CREATE TABLE ... LIKE`) need extra steps, and it can be used by other tables by accident. Identity columns are the SQL-standard form, tied to their column.",
    example: "CREATE TABLE orders (id bigserial PRIMARY KEY);",
    useInstead: "CREATE TABLE orders (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);",
    alembic: 'sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)',
    references: [
      "https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-PARMS-GENERATED-IDENTITY",
      "https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_serial"
    ]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "serial" || t.name === "bigserial" || t.name === "smallserial",
      (c) => ({
        message: `${c.table.written}.${c.column} is ${c.type.name}`,
        help: { text: "Use an identity column (alembic: sa.Identity())." }
      })
    );
  }
});

// rules/prefer-jsonb.ts
var prefer_jsonb_default = defineRule({
  id: "prefer-jsonb",
  severity: "warning",
  optional: true,
  summary: "json columns: use jsonb",
  docs: {
    why: "`json` stores the text as given: every access re-parses it, it cannot be indexed with GIN, and it has no equality operator (so `SELECT DISTINCT` and some ORM operations fail). `jsonb` stores a parsed form. Converting later is a type change that rewrites the table.",
    example: "CREATE TABLE events (payload json);",
    useInstead: "CREATE TABLE events (payload jsonb);",
    alembic: 'sa.Column("payload", postgresql.JSONB())',
    references: ["https://www.postgresql.org/docs/current/datatype-json.html"]
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "json",
      (c) => ({
        message: `${c.table.written}.${c.column} is json`,
        help: { text: "Use jsonb (alembic: postgresql.JSONB())." }
      })
    );
  }
});

// rules/require-table-schema.ts
var require_table_schema_default = defineRule({
  id: "require-table-schema",
  severity: "warning",
  optional: true,
  summary: "CREATE TABLE without a schema name depends on search_path",
  docs: {
    why: "An unqualified table name goes to the first schema of the session's `search_path`, which differs between environments and roles. For projects that use several schemas, naming the schema makes the migration do the same thing everywhere.",
    example: "CREATE TABLE invoices (id bigint);",
    useInstead: "CREATE TABLE billing.invoices (id bigint);",
    alembic: 'op.create_table("invoices", sa.Column("id", sa.BigInteger()), schema="billing")',
    references: ["https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH"]
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "create-table" || op.table.schema !== null || op.temporary) continue;
      ctx.report({
        message: `table ${op.table.written} has no schema: it goes to the first schema of search_path`,
        help: { text: "Qualify the name (alembic: schema=...)." }
      });
    }
  }
});

// rules/index.ts
var RULES = [
  syntax_error_default,
  alembic_offline_failure_default,
  concurrent_index_in_transaction_default,
  require_concurrent_index_creation_default,
  require_concurrent_index_deletion_default,
  adding_required_field_default,
  adding_field_with_volatile_default_default,
  changing_column_type_default,
  setting_not_null_default,
  constraint_missing_not_valid_default,
  adding_unique_constraint_default,
  adding_primary_key_default,
  renaming_column_default,
  renaming_table_default,
  dropping_column_default,
  dropping_table_default,
  require_concurrent_reindex_default,
  require_concurrent_partition_detach_default,
  require_concurrent_refresh_default,
  adding_exclusion_constraint_default,
  rewriting_table_default,
  prefer_repack_default,
  attaching_partition_with_scan_default,
  ban_truncate_cascade_default,
  truncating_table_default,
  deleting_all_rows_default,
  backfilling_in_migration_default,
  locking_table_default,
  changing_trigger_default,
  transaction_incompatible_statement_default,
  transaction_nesting_default,
  ban_uncommitted_transaction_default,
  ban_duplicate_column_assignments_default,
  dropping_database_default,
  dropping_schema_default,
  renaming_schema_default,
  renaming_enum_value_default,
  adding_domain_constraint_default,
  identifier_too_long_default,
  foreign_key_without_index_default,
  validate_in_same_transaction_default,
  lock_upgrade_default,
  lock_order_default,
  revisions_share_transaction_default,
  lock_held_during_slow_statement_default,
  prefer_robust_stmts_default,
  lock_budget_default,
  require_lock_timeout_default,
  unused_ignore_default,
  excessive_lock_timeout_default,
  require_statement_timeout_default,
  ban_drop_not_null_default,
  require_enum_value_ordering_default,
  creating_enum_default,
  ban_char_field_default,
  prefer_text_field_default,
  prefer_timestamptz_default,
  prefer_bigint_over_int_default,
  prefer_bigint_over_smallint_default,
  prefer_identity_default,
  prefer_jsonb_default,
  require_table_schema_default,
  multiple_alter_table_default,
  wide_index_default
];

// src/common/connection.ts
var HIDDEN2 = "***";
var DEFAULT_TIMEOUTS = { lockMs: 5e3, statementMs: 3e4 };
function parseDuration(value) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(value);
  if (!match) return null;
  const ms = Number(match[1]) * { ms: 1, s: 1e3, min: 6e4 }[match[2] ?? "ms"];
  return ms >= 1 ? Math.round(ms) : null;
}
var showDuration = (ms) => ms >= 1e3 && ms % 1e3 === 0 ? `${ms / 1e3} s` : `${ms} ms`;
var URL_FORM = /^postgres(?:ql)?:\/\//i;
var KEYWORD_FORM = /^\s*[a-z_]+\s*=/i;
var USER_INFO = /^(\s*(?:[a-z][a-z\d+.-]*:\/\/)?[^:/?#@\s]*):([^/?#\s]*)@/i;
var URL_PASSWORD_PARAM = /([?&](?:ssl)?password=)([^&#]*)/gi;
var KEYWORD_PASSWORD = /(^|\s)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|'.*$|\S*)/gi;
function redactUrl(connection) {
  if (!URL_FORM.test(connection) && KEYWORD_FORM.test(connection)) return connection.replace(KEYWORD_PASSWORD, `$1$2${HIDDEN2}`);
  return connection.replace(USER_INFO, (_, user, password) => password ? `${user}:${HIDDEN2}@` : `${user}:@`).replace(URL_PASSWORD_PARAM, `$1${HIDDEN2}`);
}
function scrub(text2, connection) {
  if (!connection) return text2;
  const shown = redactUrl(connection);
  let clean = text2.split(connection).join(shown);
  for (const secret of passwordsOf(connection)) {
    for (const spelling of spellings(secret)) {
      if (spelling.length >= 6 && !shown.includes(spelling)) clean = clean.split(spelling).join(HIDDEN2);
      clean = clean.split(`:${spelling}@`).join(`:${HIDDEN2}@`);
      clean = clean.replace(new RegExp(`(password\\s*=\\s*'?)${escapeRegExp(spelling)}`, "gi"), `$1${HIDDEN2}`);
    }
  }
  return clean;
}
function passwordsOf(connection) {
  const found = [];
  if (!URL_FORM.test(connection) && KEYWORD_FORM.test(connection)) {
    for (const m of connection.matchAll(KEYWORD_PASSWORD)) found.push(unquote(m[3]));
  } else {
    const info = USER_INFO.exec(connection)?.[2];
    if (info) found.push(info);
    for (const m of connection.matchAll(URL_PASSWORD_PARAM)) found.push(m[2]);
  }
  return found.filter((p) => p.length > 0);
}
function spellings(field) {
  let decoded = field;
  try {
    decoded = decodeURIComponent(field);
  } catch {
  }
  return [.../* @__PURE__ */ new Set([field, decoded, encodeURIComponent(decoded)])];
}
var escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
var unquote = (value) => value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;
var KEYWORDS = {
  host: "host",
  hostaddr: "host",
  port: "port",
  user: "user",
  password: "password",
  dbname: "database",
  sslmode: null,
  connect_timeout: null,
  application_name: null
};
function clientConfig(connection) {
  if (URL_FORM.test(connection)) return { connectionString: connection };
  if (!KEYWORD_FORM.test(connection)) {
    throw new UsageError(
      `not a PostgreSQL connection string: ${redactUrl(connection)} (write postgres://user:password@host:port/database, or host=... user=... dbname=...)`
    );
  }
  const config = {};
  const pairs = /([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^'\s]\S*|(?=\s|$))/gi;
  if (connection.replace(pairs, "").trim() !== "")
    throw new UsageError(`cannot read the connection string ${redactUrl(connection)}: write key=value pairs, a value with spaces in single quotes`);
  for (const m of connection.matchAll(pairs)) {
    const [key, value] = [m[1].toLowerCase(), unquote(m[2])];
    if (key === "port" && !/^\d{1,5}$/.test(value)) throw new UsageError(`${redactUrl(connection)}: port ${value} is not a port number`);
    if (!(key in KEYWORDS)) throw new UsageError(`${redactUrl(connection)}: the connection keyword ${key} is not supported (use a postgres:// URL)`);
    const field = KEYWORDS[key];
    if (field) config[field] = field === "port" ? Number(value) : value;
    if (key === "sslmode" && value !== "disable" && value !== "allow" && value !== "prefer")
      config.ssl = value.startsWith("verify") ? true : { rejectUnauthorized: false };
  }
  return config;
}
function timeoutMessage(error, timeouts) {
  const code = error.code;
  if (code === "55P03") return `waited ${showDuration(timeouts.lockMs)} for a lock another session holds (lock_timeout; --lock-timeout changes it)`;
  if (code === "57014") return `the statement ran longer than ${showDuration(timeouts.statementMs)} (statement_timeout; --statement-timeout changes it)`;
  if (error instanceof Error && /^Query read timeout$/.test(error.message))
    return `the server did not answer within ${showDuration(timeouts.statementMs)} (--statement-timeout changes it)`;
  return null;
}
var timeoutSettings = (timeouts) => `SET lock_timeout = ${timeouts.lockMs}; SET statement_timeout = ${timeouts.statementMs}`;
async function connect(connection, applicationName, timeouts) {
  const { default: pg2 } = await Promise.resolve().then(() => (init_esm(), esm_exports));
  let client;
  try {
    client = new pg2.Client({
      ...clientConfig(connection),
      application_name: applicationName,
      connectionTimeoutMillis: 1e4,
      query_timeout: timeouts.statementMs + 5e3
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      scrub(`not a valid connection string: ${redactUrl(connection)} (${error instanceof Error ? error.message : String(error)})`, connection)
    );
  }
  client.on("error", () => void 0);
  try {
    await client.connect();
    await client.query(timeoutSettings(timeouts));
  } catch (error) {
    await client.end().catch(() => void 0);
    throw new UsageError(scrub(`cannot connect to ${redactUrl(connection)}: ${error instanceof Error ? error.message : String(error)}`, connection));
  }
  return client;
}

// src/cost/stats.ts
import { readFile } from "node:fs/promises";
var TABLES = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.reltuples::float8 AS reltuples,
       s.n_live_tup::float8 AS live, pg_relation_size(c.oid)::float8 AS heap,
       COALESCE(pg_total_relation_size(c.reltoastrelid), 0)::float8 AS toast,
       pg_total_relation_size(c.oid)::float8 AS total, c.oid::int8::text AS oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, c.relname`;
var INDEXES = `
SELECT i.indrelid::int8::text AS table_oid, ic.relname AS name, pg_relation_size(ic.oid)::float8 AS bytes
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY ic.relname`;
var KINDS = { r: "table", p: "partitioned table", m: "materialized view" };
async function collectStats(url, timeouts = DEFAULT_TIMEOUTS, now = () => /* @__PURE__ */ new Date()) {
  const client = await connect(url, "locklint stats", timeouts);
  const where = redactUrl(url);
  try {
    await client.query("BEGIN READ ONLY");
    const version = (await client.query("SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n")).rows[0];
    const tables = (await client.query(TABLES)).rows;
    const indexes = (await client.query(INDEXES)).rows;
    await client.query("ROLLBACK");
    const byTable = /* @__PURE__ */ new Map();
    for (const i of indexes) byTable.set(i.table_oid, [...byTable.get(i.table_oid) ?? [], { name: i.name, bytes: i.bytes }]);
    return {
      format: "locklint-stats",
      version: 1,
      collectedAt: now().toISOString(),
      server: { version: version.v, versionNum: Number(version.n) },
      source: where,
      tables: tables.map((t) => ({
        schema: t.schema,
        name: t.name,
        kind: KINDS[t.kind] ?? "table",
        reltuples: t.reltuples,
        liveTuples: t.live,
        heapBytes: t.heap,
        toastBytes: t.toast,
        totalBytes: t.total,
        indexes: byTable.get(t.oid) ?? []
      }))
    };
  } catch (error) {
    const reason = timeoutMessage(error, timeouts) ?? (error instanceof Error ? error.message : String(error));
    throw new UsageError(scrub(`reading statistics from ${where} failed: ${reason}`, url));
  } finally {
    await client.end().catch(() => void 0);
  }
}
async function readStatsFile(path) {
  let text2;
  try {
    text2 = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: cannot read the stats file (${error.code ?? String(error)})`);
  }
  let data2;
  try {
    data2 = JSON.parse(text2);
  } catch (error) {
    throw new UsageError(`${path}: not JSON (${error instanceof Error ? error.message : String(error)}); write it with locklint stats`);
  }
  if (data2?.format !== "locklint-stats" || data2.version !== 1 || !Array.isArray(data2.tables)) {
    throw new UsageError(`${path}: not a locklint stats file (version 1); write it with locklint stats`);
  }
  for (const [i, table2] of data2.tables.entries()) {
    const problem = tableProblem(table2);
    if (problem) throw new UsageError(`${path}: tables[${i}]${problem}; write it with locklint stats`);
  }
  return data2;
}
var isCount = (value) => typeof value === "number" && Number.isFinite(value);
function tableProblem(table2) {
  if (typeof table2 !== "object" || table2 === null || Array.isArray(table2)) return ": expected an object (schema, name, kind, sizes, indexes)";
  const t = table2;
  for (const key of ["schema", "name"]) if (typeof t[key] !== "string") return `.${key}: expected a string`;
  if (!Object.values(KINDS).includes(t.kind))
    return `.kind: expected ${Object.values(KINDS).map((k) => `"${k}"`).join(", ")}`;
  for (const key of ["reltuples", "heapBytes", "toastBytes", "totalBytes"]) if (!isCount(t[key])) return `.${key}: expected a number`;
  if (t.liveTuples !== null && !isCount(t.liveTuples)) return ".liveTuples: expected a number or null";
  if (!Array.isArray(t.indexes)) return ".indexes: expected a list";
  const index = t.indexes.findIndex(
    (i) => typeof i !== "object" || i === null || typeof i.name !== "string" || !isCount(i.bytes)
  );
  return index < 0 ? null : `.indexes[${index}]: expected an object with a name (string) and bytes (number)`;
}

// src/locks/facts.ts
var fact = (mode, effects = {}) => ({
  mode,
  rewrite: Boolean(effects.rewrite),
  scan: effects.scan ?? Boolean(effects.rewrite)
});
var AE = (effects) => fact("ACCESS EXCLUSIVE", effects);
var changedIn = (feature, before, from) => ({ feature, before, from });
var scan = { scan: true };
var rewrite = { rewrite: true };
var emptied = { rewrite: true, scan: false };
var LOCK_FACTS = {
  "create-table": {
    statement: "CREATE TABLE",
    roles: {
      "new table": AE(),
      "partition parent": AE(),
      "default partition": AE(scan),
      "inheritance parent": fact("SHARE UPDATE EXCLUSIVE"),
      "LIKE source": fact("ACCESS SHARE"),
      "referenced table": fact("SHARE ROW EXCLUSIVE")
    }
  },
  "create-view": { statement: "CREATE [OR REPLACE] VIEW", roles: { "read table": fact("ACCESS SHARE"), view: AE() } },
  "create-materialized-view": { statement: "CREATE MATERIALIZED VIEW", roles: { "read table": fact("ACCESS SHARE", scan), "new table": AE() } },
  "create-table-as": { statement: "CREATE TABLE ... AS", roles: { "read table": fact("ACCESS SHARE", scan), "new table": AE() } },
  "drop-table": {
    statement: "DROP TABLE / VIEW",
    roles: { table: AE(), "referenced table": AE(), "referencing table": AE(), "partition parent": AE(), partition: AE(), "default partition": AE() }
  },
  "drop-index": { statement: "DROP INDEX", roles: { table: AE(), index: AE() } },
  "drop-index-concurrently": { statement: "DROP INDEX CONCURRENTLY", roles: { table: fact("SHARE UPDATE EXCLUSIVE"), index: fact("SHARE UPDATE EXCLUSIVE") } },
  // on a partitioned table every ALTER TABLE form below that names a `partition` role recurses to the partitions, under the same mode
  "add-column": { statement: "ADD COLUMN", roles: { table: AE(), partition: AE(), "referenced table": fact("SHARE ROW EXCLUSIVE") } },
  "add-column-exists": { statement: "ADD COLUMN IF NOT EXISTS of a column that exists", roles: { table: AE() } },
  "add-column-filled": {
    statement: "ADD COLUMN filled per row (volatile default, serial, identity, stored generated)",
    roles: { table: AE(rewrite), partition: AE(rewrite) }
  },
  "add-column-checked": {
    statement: "ADD COLUMN with a constraint to check (UNIQUE, PRIMARY KEY, EXCLUDE, CHECK, REFERENCES with a default)",
    roles: { table: AE(scan), "referenced table": fact("SHARE ROW EXCLUSIVE", scan) }
  },
  // a foreign key the column takes part in is dropped (its triggers on the other table go), or rebuilt after a type change
  "drop-column": { statement: "DROP COLUMN", roles: { table: AE(), "referenced table": AE(), "referencing table": AE() } },
  "alter-column-type": {
    statement: "ALTER COLUMN TYPE (binary-compatible)",
    roles: { table: AE(), "referenced table": AE(), "referencing table": AE() }
  },
  "alter-column-type-collation": {
    statement: "ALTER COLUMN TYPE (binary-compatible) with a new collation or operator class (COLLATE, varchar -> citext): the column's indexes are rebuilt",
    roles: { table: AE(scan), index: AE(rewrite) }
  },
  "alter-column-type-rewrite": {
    statement: "ALTER COLUMN TYPE (rewriting)",
    roles: { table: AE(rewrite), index: AE(rewrite), "referenced table": AE(), "referencing table": AE() }
  },
  "alter-column-type-rewrite-revalidated": {
    statement: "ALTER COLUMN TYPE (rewriting) of a column with a validated foreign key: the key is checked again",
    roles: { "referenced table": AE(scan), "referencing table": AE(scan) }
  },
  "set-not-null": { statement: "ALTER COLUMN SET NOT NULL", roles: { table: AE(scan), partition: AE(scan) } },
  "set-not-null-proven": { statement: "ALTER COLUMN SET NOT NULL (already proven)", roles: { table: AE() } },
  "drop-not-null": { statement: "ALTER COLUMN DROP NOT NULL", roles: { table: AE() } },
  "set-default": { statement: "ALTER COLUMN SET DEFAULT", roles: { table: AE() } },
  "drop-default": { statement: "ALTER COLUMN DROP DEFAULT", roles: { table: AE() } },
  "add-check": { statement: "ADD CONSTRAINT CHECK / NOT NULL", roles: { table: AE(scan), partition: AE(scan) } },
  "add-check-not-valid": { statement: "ADD CONSTRAINT CHECK / NOT NULL ... NOT VALID", roles: { table: AE() } },
  "add-foreign-key": {
    statement: "ADD CONSTRAINT FOREIGN KEY",
    roles: { table: fact("SHARE ROW EXCLUSIVE", scan), "referenced table": fact("SHARE ROW EXCLUSIVE", scan) }
  },
  "add-foreign-key-not-valid": {
    statement: "ADD CONSTRAINT FOREIGN KEY ... NOT VALID",
    roles: { table: fact("SHARE ROW EXCLUSIVE"), "referenced table": fact("SHARE ROW EXCLUSIVE") }
  },
  "add-unique": { statement: "ADD CONSTRAINT UNIQUE / PRIMARY KEY", roles: { table: AE(scan) } },
  "add-unique-using-index": { statement: "ADD CONSTRAINT UNIQUE / PRIMARY KEY USING INDEX", roles: { table: AE() } },
  "add-primary-key-using-index-nullable": { statement: "ADD CONSTRAINT PRIMARY KEY USING INDEX (columns not yet NOT NULL)", roles: { table: AE(scan) } },
  "add-exclusion": { statement: "ADD CONSTRAINT EXCLUDE", roles: { table: AE(scan) } },
  "validate-constraint": {
    statement: "VALIDATE CONSTRAINT",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE", scan), "referenced table": fact("ROW SHARE", scan) }
  },
  "validate-constraint-valid": { statement: "VALIDATE CONSTRAINT of a constraint already valid", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  "drop-constraint": { statement: "DROP CONSTRAINT", roles: { table: AE(), "referenced table": AE(), "referencing table": AE() } },
  rename: { statement: "RENAME (table, column, constraint)", roles: { table: AE() } },
  "set-schema": { statement: "SET SCHEMA", roles: { table: AE() } },
  "rename-index": {
    statement: "ALTER INDEX ... RENAME",
    roles: { index: changedIn("renameIndexShareUpdateExclusive", AE(), fact("SHARE UPDATE EXCLUSIVE")) }
  },
  "create-index": { statement: "CREATE INDEX", roles: { table: fact("SHARE", scan), partition: fact("SHARE", scan), "new index": AE() } },
  "create-index-only": { statement: "CREATE INDEX ON ONLY a partitioned table", roles: { table: fact("SHARE"), "new index": AE() } },
  "create-index-exists": { statement: "CREATE INDEX IF NOT EXISTS of an index that exists", roles: { table: fact("SHARE") } },
  "create-index-concurrently-exists": {
    statement: "CREATE INDEX CONCURRENTLY IF NOT EXISTS of an index that exists",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE") }
  },
  "attach-index": {
    statement: "ALTER INDEX ... ATTACH PARTITION",
    roles: {
      index: changedIn("attachIndexShareUpdateExclusive", AE(), fact("SHARE UPDATE EXCLUSIVE")),
      "partition index": AE(),
      table: fact("ACCESS SHARE"),
      partition: fact("ACCESS SHARE")
    }
  },
  "create-index-concurrently": {
    statement: "CREATE INDEX CONCURRENTLY",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE", scan), partition: fact("SHARE UPDATE EXCLUSIVE", scan), "new index": AE() }
  },
  // the index's ACCESS EXCLUSIVE stops the table's reads too: the planner opens every index of a table it plans a query on
  reindex: { statement: "REINDEX", roles: { table: fact("SHARE", scan), index: AE(rewrite) } },
  "reindex-concurrently": {
    statement: "REINDEX CONCURRENTLY",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE", scan), index: fact("SHARE UPDATE EXCLUSIVE", rewrite) }
  },
  truncate: { statement: "TRUNCATE", roles: { table: AE(emptied), "referencing table": AE(emptied) } },
  update: {
    statement: "UPDATE",
    roles: { table: fact("ROW EXCLUSIVE", scan), "referenced table": fact("ROW SHARE"), "read table": fact("ACCESS SHARE", scan) }
  },
  delete: { statement: "DELETE", roles: { table: fact("ROW EXCLUSIVE", scan), "read table": fact("ACCESS SHARE", scan) } },
  "delete-referencing-action": {
    statement: "DELETE: a referencing table's ON DELETE CASCADE / SET NULL / SET DEFAULT",
    roles: { "referencing table": fact("ROW EXCLUSIVE") }
  },
  "delete-referencing-check": {
    statement: "DELETE, UPDATE of a referenced key: a referencing table's foreign-key check",
    roles: { "referencing table": fact("ROW SHARE") }
  },
  insert: { statement: "INSERT", roles: { table: fact("ROW EXCLUSIVE"), "referenced table": fact("ROW SHARE"), "read table": fact("ACCESS SHARE", scan) } },
  select: { statement: "SELECT", roles: { "read table": fact("ACCESS SHARE", scan) } },
  "select-for-update": { statement: "SELECT ... FOR UPDATE / SHARE", roles: { "read table": fact("ROW SHARE", scan) } },
  analyze: { statement: "ANALYZE", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  // VACUUM reads the pages that need it (the visibility map skips the rest): not a scan of every row
  vacuum: { statement: "VACUUM", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  "vacuum-full": { statement: "VACUUM FULL", roles: { table: AE(rewrite) } },
  cluster: { statement: "CLUSTER", roles: { table: AE(rewrite), index: AE(rewrite) } },
  "refresh-materialized-view": { statement: "REFRESH MATERIALIZED VIEW", roles: { "read table": fact("ACCESS SHARE", scan), view: AE(rewrite) } },
  "refresh-materialized-view-no-data": { statement: "REFRESH MATERIALIZED VIEW ... WITH NO DATA", roles: { view: AE(emptied) } },
  "refresh-materialized-view-concurrently": {
    statement: "REFRESH MATERIALIZED VIEW CONCURRENTLY",
    roles: { "read table": fact("ACCESS SHARE", scan), view: fact("EXCLUSIVE", scan) }
  },
  "attach-partition": {
    statement: "ATTACH PARTITION",
    roles: {
      "partition parent": changedIn("attachPartitionShareUpdateExclusive", AE(), fact("SHARE UPDATE EXCLUSIVE")),
      partition: AE(scan),
      "default partition": AE(scan)
    }
  },
  "detach-partition": {
    statement: "DETACH PARTITION",
    roles: {
      "partition parent": AE(),
      partition: changedIn("detachPartitionAccessExclusive", fact("SHARE UPDATE EXCLUSIVE"), AE()),
      "default partition": AE()
    }
  },
  "detach-partition-concurrently": {
    statement: "DETACH PARTITION CONCURRENTLY / FINALIZE",
    roles: { "partition parent": fact("SHARE UPDATE EXCLUSIVE"), partition: fact("SHARE UPDATE EXCLUSIVE"), "default partition": AE() }
  },
  "create-trigger": { statement: "CREATE TRIGGER, ENABLE/DISABLE TRIGGER", roles: { table: fact("SHARE ROW EXCLUSIVE") } },
  "drop-trigger": { statement: "DROP TRIGGER", roles: { table: AE() } },
  comment: { statement: "COMMENT ON", roles: { table: fact("SHARE UPDATE EXCLUSIVE"), index: fact("SHARE UPDATE EXCLUSIVE") } },
  // an object lock on the type (pg_locks: locktype 'object')
  "comment-on-object": {
    statement: "COMMENT ON CONSTRAINT / TRIGGER / POLICY ... ON table, COMMENT ON TYPE / DOMAIN",
    roles: { table: fact("ACCESS SHARE"), type: fact("SHARE UPDATE EXCLUSIVE") }
  },
  // before PostgreSQL 18 GRANT / REVOKE lock no relation (effects asks versions.ts: grantLocksTable)
  grant: { statement: "GRANT / REVOKE (from PostgreSQL 18)", roles: { table: fact("ACCESS SHARE") } },
  "table-object": { statement: "CREATE / ALTER / DROP POLICY, CREATE / DROP RULE", roles: { table: AE() } },
  "inherit-parent": { statement: "ALTER TABLE ... INHERIT", roles: { "inheritance parent": fact("SHARE UPDATE EXCLUSIVE") } },
  // measured on PostgreSQL 11-17 and PGlite 18.6: only ACCESS SHARE on the parent
  "no-inherit-parent": { statement: "ALTER TABLE ... NO INHERIT", roles: { "inheritance parent": fact("ACCESS SHARE") } },
  // before PostgreSQL 18 the children are not locked (effects asks versions.ts: noInheritCheckLocksChildren)
  "add-check-no-inherit": {
    statement: "ADD CONSTRAINT CHECK ... NO INHERIT, on the inheritance children (from PostgreSQL 18; the parent is as for ADD CONSTRAINT CHECK)",
    roles: { "inheritance child": AE() }
  },
  "alter-index-storage": {
    statement: "ALTER INDEX ... SET/RESET (fillfactor, deduplicate_items, ...), ALTER COLUMN n SET STATISTICS",
    roles: { index: fact("SHARE UPDATE EXCLUSIVE") }
  },
  // an object lock on the type (pg_locks: locktype 'object', classid pg_type), not a relation lock: only DDL on the type waits
  "alter-enum-value": { statement: "ALTER TYPE ... ADD VALUE / RENAME VALUE", roles: { type: fact("EXCLUSIVE") } },
  // SHARE ROW EXCLUSIVE on the sequence: nextval() (ROW EXCLUSIVE), the INSERTs that draw from it, wait
  "alter-sequence": { statement: "ALTER SEQUENCE", roles: { sequence: fact("SHARE ROW EXCLUSIVE") } },
  // the owning table: one whose column default draws from the sequence (DROP SEQUENCE ... CASCADE drops the default)
  "sequence-ddl": { statement: "ALTER SEQUENCE ... RENAME / OWNER TO, DROP SEQUENCE [CASCADE]", roles: { sequence: AE(), "owning table": AE() } },
  "create-statistics": { statement: "CREATE / DROP STATISTICS", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  "alter-sequence-owned-by": { statement: "ALTER SEQUENCE ... OWNED BY table.column", roles: { "owning table": fact("ACCESS SHARE") } },
  // the type's lock is an object lock (pg_locks: locktype 'object'); CASCADE drops the columns of the type, under ACCESS EXCLUSIVE on their tables
  "drop-type": { statement: "DROP TYPE / DOMAIN [CASCADE]", roles: { type: AE(), "column of the domain": AE() } },
  "add-domain-constraint": { statement: "ALTER DOMAIN ... ADD CONSTRAINT", roles: { "column of the domain": fact("SHARE", scan) } }
};
var RECURSES_TO_PARTITIONS = /* @__PURE__ */ new Set([
  "alter-column-type",
  "alter-column-type-rewrite",
  "drop-column",
  "set-default",
  "add-check-not-valid",
  "validate-constraint",
  "add-foreign-key",
  "add-foreign-key-not-valid",
  "create-trigger",
  "truncate",
  "update",
  "delete",
  "add-unique",
  "analyze",
  "vacuum"
]);
var RECURSES_TO_INHERITORS = /* @__PURE__ */ new Set([
  "add-column",
  "add-column-filled",
  "drop-column",
  "alter-column-type",
  "alter-column-type-rewrite",
  "set-not-null",
  "add-check",
  "truncate"
]);
var shareUpdateExclusive = fact("SHARE UPDATE EXCLUSIVE");
var ALTER_TABLE_FACTS = {
  "ADD CONSTRAINT": AE(),
  "SET LOGGED": AE(rewrite),
  "SET UNLOGGED": AE(rewrite),
  // the files are copied block by block (PostgreSQL 15.18: new relfilenode, no rows read)
  "SET TABLESPACE": AE({ rewrite: true, scan: false }),
  "SET ACCESS METHOD": AE(rewrite),
  "ALTER COLUMN SET EXPRESSION": AE(rewrite),
  "SET (storage parameters)": AE(),
  "RESET (storage parameters)": AE(),
  "ALTER COLUMN SET STATISTICS": shareUpdateExclusive,
  "ALTER COLUMN SET/RESET (attribute options)": shareUpdateExclusive,
  "ALTER COLUMN SET STORAGE": AE(),
  "CLUSTER ON": shareUpdateExclusive,
  "SET WITHOUT CLUSTER": shareUpdateExclusive,
  "ALTER CONSTRAINT": AE(),
  "OWNER TO": AE(),
  "ALTER COLUMN ADD GENERATED AS IDENTITY": AE(),
  "ALTER COLUMN SET (identity options)": AE(),
  "ALTER COLUMN DROP IDENTITY": AE(),
  "ALTER COLUMN DROP EXPRESSION": AE(),
  "ALTER COLUMN SET COMPRESSION": AE(),
  "REPLICA IDENTITY": AE(),
  "ROW LEVEL SECURITY": AE(),
  "ENABLE/DISABLE RULE": AE(),
  INHERIT: AE(),
  "NO INHERIT": AE(),
  "ALTER INDEX": AE(),
  "ALTER TRIGGER RENAME": AE(),
  // every other form: PostgreSQL's conservative default for ALTER TABLE
  other: AE()
};
var LIGHT_RELOPTIONS = /^(fillfactor|deduplicate_items|autovacuum_.*|toast\.autovacuum_.*|toast_tuple_target|parallel_workers|vacuum_index_cleanup|vacuum_truncate|toast\.vacuum_.*|log_autovacuum_min_duration|n_distinct|n_distinct_inherited)$/;
var VIRTUAL_SET_EXPRESSION = { statement: "ALTER COLUMN SET EXPRESSION of a VIRTUAL generated column", roles: { table: AE() } };
function alterTableRow(form, detail) {
  const storage = form === "SET (storage parameters)" || form === "RESET (storage parameters)";
  if (storage && detail.options.length > 0 && detail.options.every((name) => LIGHT_RELOPTIONS.test(name))) {
    return ["alter-table: light storage parameters", shareUpdateExclusive];
  }
  if (form === "ALTER COLUMN SET EXPRESSION" && detail.virtualColumn) return ["alter-table: SET EXPRESSION of a virtual column", AE()];
  return [`alter-table: ${form}`, ALTER_TABLE_FACTS[form]];
}
function alterTableRowId(form, detail) {
  return alterTableRow(form, detail)[0];
}
function alterTableFact(form, detail) {
  return alterTableRow(form, detail)[1];
}
function lockFact(id, role, pgVersion) {
  const roles = LOCK_FACTS[id].roles;
  const found = roles[role];
  if (!found) throw new Error(`lock facts: ${id} has no fact for the ${role}`);
  return resolve4(found, pgVersion);
}
function resolve4(found, pgVersion) {
  return "feature" in found ? since(found.feature, pgVersion) ? found.from : found.before : found;
}

// src/schema/type-change.ts
function typeChangeVerdict(from, to, using, ctx) {
  if (!to) return { rewrite: true, certain: false, reason: "the new type is not understood" };
  if (using) return { rewrite: true, certain: true, reason: `a USING expression converts every row to ${formatType(to)}` };
  if (!from) {
    return {
      rewrite: true,
      certain: false,
      reason: `the column's current type is not known from this script; changing it to ${formatType(to)} rewrites the table unless the old type is binary-compatible`
    };
  }
  const change = `${formatType(from)} to ${formatType(to)}`;
  const noRewrite = (why) => ({ rewrite: false, certain: true, reason: `${change}: ${why}` });
  const rewrite2 = (why) => ({ rewrite: true, certain: true, reason: `${change}: ${why}` });
  if (from.array !== to.array) return rewrite2("array and scalar types are not binary-compatible");
  const sameSchema = from.schema === to.schema;
  if (sameSchema && from.name === to.name && sameMods(from.mods, to.mods)) return noRewrite("same type, nothing to do");
  if (from.array) return rewrite2("array element conversion rewrites the table");
  if (!sameSchema) return rewrite2("a different type rewrites the table");
  const [a, b] = [from.name, to.name];
  const stringLike = (t) => t === "varchar" || t === "text";
  if (stringLike(a) && stringLike(b)) {
    if (b === "text" || to.mods.length === 0) return noRewrite("binary-compatible, the new type has no length limit");
    if (a === "varchar" && from.mods.length > 0 && to.mods[0] >= from.mods[0]) return noRewrite("the length limit grows, binary-compatible");
    return rewrite2("a shorter or new length limit checks and rewrites every row");
  }
  if (a === "numeric" && b === "numeric") {
    if (to.mods.length === 0) return noRewrite("unconstrained numeric accepts every value");
    if (from.mods.length > 0 && (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && to.mods[0] >= from.mods[0]) {
      return noRewrite("more precision at the same scale, binary-compatible");
    }
    return rewrite2("a new precision or scale rewrites every row");
  }
  if (a === "varbit" && b === "varbit") {
    if (to.mods.length === 0 || from.mods.length > 0 && to.mods[0] >= from.mods[0]) return noRewrite("the length limit grows");
    return rewrite2("a shorter length limit rewrites every row");
  }
  if ((a === "timestamp" || a === "timestamptz") && a === b) {
    if (to.mods.length === 0 || from.mods.length > 0 && to.mods[0] >= from.mods[0]) return noRewrite("more fractional-second precision");
    return rewrite2("less precision rounds and rewrites every row");
  }
  if (a === "timestamp" && b === "timestamptz" || a === "timestamptz" && b === "timestamp") {
    if (ctx.utcConversionInPlace && ctx.utcSession)
      return {
        ...noRewrite("the session time zone is UTC, so PostgreSQL 12+ keeps the stored values; the column's indexes are rebuilt"),
        rebuildsIndexes: true
      };
    return rewrite2(
      ctx.utcConversionInPlace ? "rewrites every row unless the session time zone is UTC (SET TIME ZONE 'UTC' before it)" : "rewrites every row before PostgreSQL 12"
    );
  }
  if (a === "cidr" && b === "inet") return noRewrite("binary-compatible");
  if (b === "citext" && (stringLike(a) || a === "bpchar")) {
    return { ...noRewrite("binary-compatible (citext's cast from it is WITHOUT FUNCTION); the column's indexes are rebuilt"), rebuildsIndexes: true };
  }
  if (a === "citext" && stringLike(b) && (b === "text" || to.mods.length === 0)) {
    return { ...noRewrite("binary-compatible (citext's cast to it is WITHOUT FUNCTION); the column's indexes are rebuilt"), rebuildsIndexes: true };
  }
  return rewrite2("not binary-compatible, every row is converted");
}
function sameMods(a, b) {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}
function isUtcZone(zone) {
  return /^(utc|gmt|etc\/utc|etc\/gmt|etc\/uct|etc\/universal|etc\/zulu|uct|universal|zulu|z|gmt0|etc\/gmt0|etc\/gmt\+0|etc\/gmt-0|0|\+00|00:00|\+00:00)$/i.test(
    zone.trim()
  );
}

// src/schema/replay.ts
function applyOperation(schema, operation, origin) {
  switch (operation.op) {
    case "create-table": {
      if (operation.temporary) return;
      if (operation.ifNotExists && schema.table(operation.table)) return;
      const table2 = schema.addTable(operation.table, operation.kind, origin);
      table2.unlogged = operation.unlogged;
      table2.customStorage = Boolean(operation.storageNamed);
      table2.partitionKey = operation.partitionKey;
      for (const column2 of operation.columns) table2.columns.set(column2.name, columnOf(column2));
      for (const like of operation.likes) {
        for (const column2 of schema.table(like)?.columns.values() ?? []) table2.columns.set(column2.name, { ...column2 });
      }
      for (const spec of operation.constraints) addConstraint(schema, table2, spec, origin);
      if (operation.partitionOf) {
        const parent = schema.tableOrAssumed(operation.partitionOf);
        table2.partitionOf = parent;
        table2.isDefaultPartition = operation.defaultPartition;
        parent.partitions.add(table2);
      }
      for (const ref of operation.inherits) inherit(schema.tableOrAssumed(ref), table2);
      return;
    }
    case "create-view": {
      const view = schema.addTable(operation.view, operation.materialized ? "materialized view" : "view", origin);
      view.viewColumns = operation.columns ?? null;
      view.readsFrom = operation.reads.flatMap((r) => {
        const t = schema.table(r);
        return t ? [t] : [];
      });
      return;
    }
    case "create-table-as":
      schema.addTable(operation.table, "table", origin);
      return;
    case "drop-relation": {
      const table2 = schema.table(operation.relation);
      if (table2) {
        for (const partition of table2.partitions) schema.dropTable(partition);
        if (operation.cascade) for (const dependent of [...allInheritors(table2), ...schema.dependentViews(table2)]) schema.dropTable(dependent);
        schema.dropTable(table2);
      }
      return;
    }
    case "drop-index": {
      const index = schema.index(operation.index);
      if (index) schema.dropIndex(index);
      return;
    }
    case "add-column": {
      const table2 = schema.tableOrAssumed(operation.table);
      if (operation.ifNotExists && table2.columns.has(operation.column.name)) return;
      table2.columns.set(operation.column.name, columnOf(operation.column));
      for (const spec of operation.column.constraints) addConstraint(schema, table2, spec, origin);
      return;
    }
    case "drop-column": {
      const table2 = schema.table(operation.table);
      if (!table2) return;
      if (operation.cascade) for (const view of schema.viewsUsingColumn(table2, operation.column)) schema.dropTable(view);
      for (const [other, keys] of foreignKeysOnColumn(table2, operation.column).referencing) for (const c of keys) schema.dropConstraint(other, c);
      table2.columns.delete(operation.column);
      for (const c of [...table2.constraints.values()]) if (c.columns.includes(operation.column)) schema.dropConstraint(table2, c);
      for (const index of [...table2.indexes]) if (index.columns.includes(operation.column)) schema.dropIndex(index);
      return;
    }
    case "alter-column-type":
      column(schema, operation.table, operation.column).type = operation.type;
      return;
    case "set-not-null":
      column(schema, operation.table, operation.column).notNull = true;
      return;
    case "drop-not-null":
      column(schema, operation.table, operation.column).notNull = false;
      return;
    case "set-default":
      column(schema, operation.table, operation.column).hasDefault = true;
      return;
    case "drop-default":
      column(schema, operation.table, operation.column).hasDefault = false;
      return;
    case "add-constraint":
      addConstraint(schema, schema.tableOrAssumed(operation.table), operation.constraint, origin);
      return;
    case "validate-constraint": {
      const table2 = schema.table(operation.table);
      const constraint = table2?.constraints.get(operation.name);
      if (table2 && constraint) {
        constraint.validated = true;
        if (constraint.kind === "not-null" && constraint.provesNotNull) setNotNull(table2, constraint.provesNotNull, true);
      }
      return;
    }
    case "drop-constraint": {
      const table2 = schema.table(operation.table);
      const constraint = table2?.constraints.get(operation.name);
      if (table2 && constraint) {
        schema.dropConstraint(table2, constraint);
        if (constraint.kind === "not-null") for (const col of constraint.columns) setNotNull(table2, col, false);
      }
      return;
    }
    case "rename-table": {
      const table2 = schema.table(operation.table);
      if (table2) schema.relocateTable(table2, { name: operation.newName });
      return;
    }
    case "rename-column": {
      const table2 = schema.table(operation.table);
      const col = table2?.columns.get(operation.column);
      if (!table2) return;
      if (col) {
        table2.columns.delete(operation.column);
        col.name = operation.newName;
        table2.columns.set(operation.newName, col);
      }
      const rename2 = (cols) => cols.map((c) => c === operation.column ? operation.newName : c);
      for (const c of table2.constraints.values()) {
        c.columns = rename2(c.columns);
        if (c.provesNotNull === operation.column) c.provesNotNull = operation.newName;
      }
      for (const index of table2.indexes) index.columns = rename2(index.columns);
      return;
    }
    case "rename-index": {
      const index = schema.index(operation.index);
      if (index) {
        const owner = index.table?.constraints.get(index.name);
        schema.renameIndex(index, operation.newName);
        if (owner && index.table) {
          index.table.constraints.delete(owner.name);
          owner.name = operation.newName;
          index.table.constraints.set(owner.name, owner);
          index.constraint = owner.name;
        }
      }
      return;
    }
    case "rename-constraint": {
      const table2 = schema.table(operation.table);
      const constraint = table2?.constraints.get(operation.name);
      if (table2 && constraint) {
        table2.constraints.delete(operation.name);
        constraint.name = operation.newName;
        table2.constraints.set(operation.newName, constraint);
        for (const index of table2.indexes) {
          if (index.constraint === operation.name) {
            index.constraint = operation.newName;
            schema.renameIndex(index, operation.newName);
          }
        }
      }
      return;
    }
    case "set-schema": {
      const table2 = schema.table(operation.relation);
      if (table2) schema.relocateTable(table2, { schema: operation.newSchema });
      return;
    }
    case "create-index": {
      if (operation.ifNotExists && operation.index && schema.index(operation.index)) return;
      const table2 = schema.tableOrAssumed(operation.table);
      const name = operation.index?.name ?? `${table2.name}_${operation.columns.join("_") || "expr"}_idx`;
      schema.addIndex({
        schema: operation.table.schema,
        name,
        table: table2,
        unique: operation.unique,
        columns: operation.columns,
        createdIn: origin,
        constraint: null
      });
      return;
    }
    case "create-enum":
      schema.addEnum({ schema: operation.type.schema, name: operation.type.name, values: [...operation.values], createdIn: origin });
      return;
    case "add-enum-value": {
      const type = schema.enumType(operation.type.schema, operation.type.name);
      if (type && !type.values.includes(operation.value)) type.values.push(operation.value);
      return;
    }
    case "rename-enum-value": {
      const type = schema.enumType(operation.type.schema, operation.type.name);
      if (type) type.values = type.values.map((v) => v === operation.from ? operation.to : v);
      return;
    }
    case "drop-type":
      schema.dropEnum(operation.type.schema, operation.type.name);
      return;
    case "attach-partition": {
      const parent = schema.tableOrAssumed(operation.table);
      const partition = schema.tableOrAssumed(operation.partition);
      partition.partitionOf = parent;
      partition.isDefaultPartition = operation.defaultPartition;
      parent.partitions.add(partition);
      return;
    }
    case "detach-partition": {
      const partition = schema.table(operation.partition);
      if (partition) {
        partition.partitionOf?.partitions.delete(partition);
        partition.partitionOf = null;
      }
      return;
    }
    case "alter-table-other": {
      const table2 = schema.table(operation.table);
      if (table2 && operation.form === "SET LOGGED") table2.unlogged = false;
      if (table2 && operation.form === "SET UNLOGGED") table2.unlogged = true;
      if (table2 && (operation.form === "SET TABLESPACE" || operation.form === "SET ACCESS METHOD") && !isDefaultStorage(operation.form, operation.target))
        table2.customStorage = true;
      if (operation.parent && (operation.form === "INHERIT" || operation.form === "NO INHERIT")) {
        const parent = schema.tableOrAssumed(operation.parent);
        const child = schema.tableOrAssumed(operation.table);
        if (operation.form === "INHERIT") inherit(parent, child);
        else {
          parent.inheritors.delete(child);
          child.inheritsFrom.delete(parent);
        }
      }
      return;
    }
    // no change to the schema
    case "select":
    case "insert":
    case "update":
    case "delete":
    case "truncate":
    case "lock-table":
    case "vacuum":
    case "cluster":
    case "reindex":
    case "refresh-materialized-view":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "enable-disable-trigger":
    case "alter-sequence":
    case "attach-index":
    case "unknown":
      return;
    // changes to what the schema model does not hold (triggers, domains, schemas, databases)
    case "drop-schema":
      if (operation.cascade) for (const table2 of schema.tablesInSchema(operation.schema)) schema.dropTable(table2);
      return;
    case "create-trigger":
      if (operation.name) schema.tableOrAssumed(operation.table).objects.add(`trigger:${operation.name}`);
      return;
    case "drop-trigger":
      if (operation.name) schema.table(operation.table)?.objects.delete(`trigger:${operation.name}`);
      return;
    case "table-object":
      if (operation.name && operation.action === "create") schema.tableOrAssumed(operation.table).objects.add(`${operation.object}:${operation.name}`);
      if (operation.name && operation.action === "drop") schema.table(operation.table)?.objects.delete(`${operation.object}:${operation.name}`);
      return;
    case "no-table-lock":
      if (operation.locks?.kind === "create-statistics" && operation.locks.statistics)
        schema.addStatistics(operation.locks.statistics, schema.tableOrAssumed(operation.locks.table));
      if (operation.locks?.kind === "drop-statistics") schema.statisticsTable(operation.locks.statistics, true);
      return;
    case "domain-constraint":
      if (operation.action === "create" || operation.action === "add") schema.addCheckedDomain(operation.domain);
      return;
    case "rename-schema":
    case "drop-database":
      return;
    default: {
      const unhandled = operation;
      throw new Error(`schema replay has no case for the operation ${JSON.stringify(unhandled)}`);
    }
  }
}
var SERIAL_TYPES2 = { serial: "int4", bigserial: "int8", smallserial: "int2" };
function columnOf(spec) {
  return {
    name: spec.name,
    // serial is int4 with a default (bigserial int8, smallserial int2): what a later type change compares with
    type: spec.serial && spec.type ? { ...spec.type, name: SERIAL_TYPES2[spec.type.name] ?? spec.type.name } : spec.type,
    notNull: spec.notNull,
    hasDefault: spec.default !== null || spec.serial || spec.identity || spec.generated !== null,
    generated: spec.generated,
    ...spec.sequences?.length ? { sequences: spec.sequences } : {}
  };
}
function column(schema, ref, name) {
  const table2 = schema.tableOrAssumed(ref);
  let col = table2.columns.get(name);
  if (!col) {
    col = { name, type: null, notNull: false, hasDefault: false, generated: null };
    table2.columns.set(name, col);
  }
  return col;
}
function setNotNull(table2, name, notNull) {
  const col = table2.columns.get(name);
  if (col) col.notNull = notNull;
  else if (!table2.declared && notNull) table2.columns.set(name, { name, type: null, notNull, hasDefault: false, generated: null });
}
function addConstraint(schema, table2, spec, origin) {
  const name = spec.name ?? defaultConstraintName(table2.name, spec.columns, spec.kind);
  const constraint = {
    name,
    kind: spec.kind,
    validated: !spec.notValid,
    columns: spec.columns,
    onDelete: spec.onDelete
  };
  if (spec.provesNotNull) constraint.provesNotNull = spec.provesNotNull;
  if (spec.references) {
    constraint.references = schema.tableOrAssumed(spec.references);
    constraint.referencedColumns = spec.referencedColumns;
  }
  schema.addConstraint(table2, constraint);
  if (spec.kind === "primary-key" || spec.kind === "not-null" && !spec.notValid) {
    for (const col of spec.columns) setNotNull(table2, col, true);
  }
  if (spec.kind === "primary-key" || spec.kind === "unique" || spec.kind === "exclude") {
    const existing = spec.usingIndex ? schema.index({ schema: table2.schema, name: spec.usingIndex }) : void 0;
    if (existing) {
      schema.renameIndex(existing, name);
      existing.constraint = name;
      existing.unique = true;
      if (constraint.columns.length === 0) constraint.columns = existing.columns;
      if (spec.kind === "primary-key") for (const col of existing.columns) setNotNull(table2, col, true);
    } else {
      schema.addIndex({ schema: table2.schema, name, table: table2, unique: spec.kind !== "exclude", columns: spec.columns, createdIn: origin, constraint: name });
    }
  }
}
function isDefaultStorage(form, target) {
  return form === "SET TABLESPACE" && target === "pg_default" || form === "SET ACCESS METHOD" && target === "heap";
}
function inherit(parent, child) {
  parent.inheritors.add(child);
  child.inheritsFrom.add(parent);
}

// src/locks/effects.ts
var Locks = class {
  constructor(ctx) {
    this.ctx = ctx;
  }
  ctx;
  list = [];
  objects = [];
  /** The rows and roles of the facts table this operation read (`<row> / <role>`): the tests ask that each be verified. */
  facts = [];
  /** Locks a table as row `id` of the facts table says for `role`. */
  table(ref, id, role, options = {}) {
    const fact2 = lockFact(id, role, this.ctx.pgVersion);
    const table2 = "written" in ref ? this.ctx.schema.table(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    const used = `${id} / ${role}`;
    if (role === "table" && table2?.kind === "partitioned table" && RECURSES_TO_PARTITIONS.has(id)) {
      this.tableWith(ref, used, fact2, { ...options, rewrite: false, scan: false });
      for (const partition of allPartitions(table2)) this.tableWith(partition, used, fact2, { ...options, why: `partition of ${written}` });
      return;
    }
    this.tableWith(ref, used, fact2, options);
    if (role === "table" && table2 && RECURSES_TO_INHERITORS.has(id) && !options.notInherited) {
      for (const child of allInheritors(table2)) this.tableWith(child, used, fact2, { ...options, why: `inherits from ${written}` });
    }
  }
  /** Locks an index as row `id` of the facts table says for `role`. */
  index(ref, id, role, options = {}) {
    const fact2 = lockFact(id, role, this.ctx.pgVersion);
    this.facts.push(`${id} / ${role}`);
    const index = "written" in ref ? this.ctx.schema.index(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    this.add(written, relationKey(ref.schema, ref.name), "index", fact2.mode, withFact(fact2, options), index?.createdIn ?? null);
  }
  /**
   * Locks a type (an object lock: pg_locks shows it as locktype 'object' on pg_type). Tables that use
   * the type are not locked, and their reads and writes never wait for it: only DDL on the type does.
   */
  type(ref, id, role) {
    const fact2 = lockFact(id, role, this.ctx.pgVersion);
    this.facts.push(`${id} / ${role}`);
    const type = this.ctx.schema.enumType(ref.schema, ref.name);
    this.add(ref.written, relationKey(ref.schema, ref.name), "type", fact2.mode, withFact(fact2, {}), type?.createdIn ?? null, ["ddl"]);
    this.objects.push(this.list.pop());
  }
  /**
   * Locks a sequence (kept with the object locks: no table's reads or writes wait for it, but
   * nextval() does, and with it the INSERTs that draw from the sequence).
   */
  sequence(ref, id, role, options = {}) {
    const fact2 = lockFact(id, role, this.ctx.pgVersion);
    this.facts.push(`${id} / ${role}`);
    this.add(ref.written, relationKey(ref.schema, ref.name), "sequence", fact2.mode, withFact(fact2, options), null);
    this.objects.push(this.list.pop());
  }
  /** Locks a table with `fact`, the row `used` names. */
  tableWith(ref, used, fact2, options = {}) {
    this.facts.push(used);
    const table2 = "written" in ref ? this.ctx.schema.table(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    const kind = table2?.kind ?? "table";
    this.add(written, relationKey(ref.schema, ref.name), kind, fact2.mode, withFact(fact2, options), table2?.createdIn ?? null);
  }
  add(relation2, key, kind, mode, options, createdIn, blocks = blockedBy(mode)) {
    const novelty = options.novelty !== void 0 ? options.novelty : this.noveltyOf(createdIn);
    const why = options.why ? [options.why] : [];
    if (options.alsoBlocks) blocks = unionBlocked(blocks, options.alsoBlocks);
    const sameTransaction = createdIn !== null && createdIn.transaction !== null && createdIn.transaction === this.ctx.transaction;
    const newInTransaction = novelty === "created by this statement" || sameTransaction && (this.ctx.unitLabel !== "deploy" || createdIn.unit === this.ctx.unitKey);
    this.list.push({
      relation: relation2,
      key,
      kind,
      mode,
      blocks,
      rewrite: Boolean(options.rewrite),
      scan: Boolean(options.scan ?? options.rewrite),
      novelty,
      newInTransaction,
      why
    });
  }
  noveltyOf(createdIn) {
    if (createdIn === null || createdIn.unit !== this.ctx.unitKey) return null;
    return this.ctx.unitLabel === "revision" ? "created earlier in this revision" : this.ctx.unitLabel === "deploy" ? "created earlier in this deploy" : "created earlier in this transaction";
  }
};
function withFact(fact2, options) {
  return { ...options, rewrite: options.rewrite ?? fact2.rewrite, scan: options.scan ?? fact2.scan };
}
function writtenName(ref) {
  return ref.schema ? `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}` : quoteIdent(ref.name);
}
function referencingClosure(table2) {
  const found = /* @__PURE__ */ new Set([table2]);
  const walk2 = (t) => {
    for (const referencing of t.referencedBy)
      if (!found.has(referencing)) {
        found.add(referencing);
        walk2(referencing);
      }
  };
  walk2(table2);
  found.delete(table2);
  return [...found];
}
function sideLock(side, what, schema, locks) {
  switch (side.kind) {
    case "sequence-ddl":
      locks.sequence(side.sequence, "sequence-ddl", "sequence", { why: what });
      if (side.cascade)
        for (const table2 of schema.tablesUsingSequence(side.sequence.name))
          locks.table(table2, "sequence-ddl", "owning table", { why: `CASCADE drops its default from ${side.sequence.written}` });
      break;
    case "create-statistics":
      locks.table(side.table, "create-statistics", "table", { why: "CREATE STATISTICS" });
      break;
    case "rename-table-object":
      locks.table(side.table, "table-object", "table", { why: what });
      break;
    case "drop-statistics": {
      const table2 = schema.statisticsTable(side.statistics);
      if (table2) locks.table(table2, "create-statistics", "table", { why: "DROP STATISTICS" });
      break;
    }
    case "owned-by":
      locks.table(side.table, "alter-sequence-owned-by", "owning table", { why: "OWNED BY looks up the column" });
      break;
    case "domain-not-null":
      for (const table2 of schema.tablesUsingType(side.domain))
        locks.table(table2, "add-domain-constraint", "column of the domain", { why: `checks its ${side.domain.written} columns for NULLs` });
      break;
  }
}
function operationEffect(operation, ctx) {
  const locks = new Locks(ctx);
  const effect = { operation, locks: locks.list, objectLocks: locks.objects, facts: locks.facts };
  const { schema, pgVersion } = ctx;
  switch (operation.op) {
    case "create-table": {
      if (operation.temporary) break;
      if (operation.ifNotExists && schema.table(operation.table)) break;
      locks.table(operation.table, "create-table", "new table", { novelty: "created by this statement" });
      if (operation.partitionOf) {
        locks.table(operation.partitionOf, "create-table", "partition parent", { why: "new partition" });
        const defaultPartition = findDefaultPartition(schema.table(operation.partitionOf));
        if (defaultPartition) locks.table(defaultPartition, "create-table", "default partition", { why: "checks the default partition's rows" });
      }
      for (const parent of operation.inherits) locks.table(parent, "create-table", "inheritance parent", { why: "new child table" });
      for (const like of operation.likes) locks.table(like, "create-table", "LIKE source", { why: "LIKE copies its definition" });
      for (const fk of operation.constraints) {
        if (fk.kind === "foreign-key" && fk.references && !sameRelation(fk.references, operation.table)) {
          locks.table(fk.references, "create-table", "referenced table", { why: "foreign key to it" });
        }
      }
      break;
    }
    case "create-view":
      for (const read of operation.reads)
        locks.table(read, operation.materialized ? "create-materialized-view" : "create-view", "read table", {
          why: operation.noData ? "WITH NO DATA: nothing read" : operation.materialized ? "read to populate the view" : "read by the view",
          ...operation.noData ? { scan: false } : {}
        });
      if (operation.materialized)
        locks.table(operation.view, "create-materialized-view", "new table", { novelty: "created by this statement", why: "created and filled" });
      if (operation.orReplace && schema.table(operation.view)) locks.table(operation.view, "create-view", "view", { why: "view replaced" });
      break;
    case "create-table-as":
      for (const read of operation.reads) {
        const fill = operation.noData ? { scan: false, why: "WITH NO DATA: nothing read" } : { why: "read to fill the table" };
        locks.table(read, "create-table-as", "read table", fill);
        const view = schema.table(read);
        if (view) for (const base of viewBases(view)) locks.table(base, "create-table-as", "read table", { ...fill, why: `read through view ${read.written}` });
      }
      locks.table(operation.table, "create-table-as", "new table", { novelty: "created by this statement" });
      break;
    case "drop-relation": {
      const table2 = schema.table(operation.relation);
      locks.table(operation.relation, "drop-table", "table", { why: "dropped" });
      if (table2) {
        for (const c of table2.constraints.values()) {
          if (c.references && c.references !== table2)
            locks.table(c.references, "drop-table", "referenced table", { why: `its foreign key ${c.name} is removed from this table` });
        }
        if (operation.cascade) {
          for (const referencing of table2.referencedBy)
            if (referencing !== table2) locks.table(referencing, "drop-table", "referencing table", { why: "CASCADE drops its foreign key" });
        }
        if (table2.partitionOf) {
          locks.table(table2.partitionOf, "drop-table", "partition parent", { why: "loses a partition" });
          const defaultPartition = findDefaultPartition(table2.partitionOf);
          if (defaultPartition && defaultPartition !== table2)
            locks.table(defaultPartition, "drop-table", "default partition", { why: "the default partition's bound changes" });
        }
        for (const partition of table2.partitions) locks.table(partition, "drop-table", "partition", { why: "partition dropped with its parent" });
        if (operation.cascade) {
          for (const child of allInheritors(table2)) locks.table(child, "drop-table", "table", { why: "CASCADE drops this inheritance child" });
          for (const view of schema.dependentViews(table2)) locks.table(view, "drop-table", "table", { why: "CASCADE drops this view" });
        }
      }
      break;
    }
    case "drop-index": {
      const index = schema.index(operation.index);
      if (operation.concurrent) {
        if (index?.table) locks.table(index.table, "drop-index-concurrently", "table", { why: "DROP INDEX CONCURRENTLY" });
        else locks.index(operation.index, "drop-index-concurrently", "index", { why: "DROP INDEX CONCURRENTLY" });
      } else {
        if (index?.table) locks.table(index.table, "drop-index", "table", { why: `drops index ${index.name}` });
        if (index?.table?.kind === "partitioned table")
          for (const partition of allPartitions(index.table))
            locks.table(partition, "drop-index", "table", { why: `its index under ${index.name} is dropped` });
        locks.index(operation.index, "drop-index", "index", {
          why: index?.table ? "dropped" : "dropped; its table (not known from this script) is locked ACCESS EXCLUSIVE too"
        });
      }
      break;
    }
    case "add-column":
      if (operation.ifNotExists && schema.table(operation.table)?.columns.has(operation.column.name)) {
        locks.table(operation.table, "add-column-exists", "table", { why: `column ${operation.column.name} exists: nothing added` });
        break;
      }
      addColumnEffect(operation.table, operation.column, schema, locks, effect);
      break;
    case "drop-column": {
      locks.table(operation.table, "drop-column", "table", { why: `drops column ${operation.column}` });
      const table2 = schema.table(operation.table);
      if (!table2) break;
      const { referenced, referencing } = foreignKeysOnColumn(table2, operation.column);
      for (const [other, keys] of referenced)
        locks.table(other, "drop-column", "referenced table", { why: `${names(keys)} dropped with column ${operation.column}: its triggers here go` });
      for (const [other, keys] of referencing) locks.table(other, "drop-column", "referencing table", { why: `CASCADE drops its ${names(keys)}` });
      if (operation.cascade)
        for (const view of schema.viewsUsingColumn(table2, operation.column))
          locks.table(view, "drop-table", "table", { why: `CASCADE: uses column ${operation.column}` });
      break;
    }
    case "alter-column-type": {
      const table2 = schema.table(operation.table);
      const from = table2?.columns.get(operation.column)?.type ?? null;
      const verdict = typeChangeVerdict(from, operation.type, operation.using, {
        utcConversionInPlace: since("timestampTzUtcWithoutRewrite", pgVersion),
        utcSession: ctx.utcSession
      });
      effect.typeChange = { ...verdict, from };
      const reindexed = table2 && (operation.collation !== null || verdict.rebuildsIndexes) ? [...table2.indexes].filter((index) => index.columns.includes(operation.column)) : [];
      if (!verdict.rewrite && reindexed.length > 0) {
        const cause = operation.collation !== null ? "COLLATE" : "the new operator class";
        locks.table(operation.table, "alter-column-type-collation", "table", {
          why: `type change without rewrite; ${cause} rebuilds ${reindexed.map((i) => i.name).join(", ")}`
        });
        for (const index of reindexed) locks.index(index, "alter-column-type-collation", "index", { why: `rebuilt for ${cause}` });
      } else if (!verdict.rewrite) {
        locks.table(operation.table, "alter-column-type", "table", { why: "type change without rewrite" });
      } else {
        locks.table(operation.table, "alter-column-type-rewrite", "table", { why: "type change rewrites the table and its indexes" });
        const partitioned = table2?.kind === "partitioned table";
        for (const owner of table2 ? [table2, ...partitioned ? allPartitions(table2) : []] : [])
          if (owner.kind !== "partitioned table")
            for (const index of owner.indexes) locks.index(index, "alter-column-type-rewrite", "index", { why: "rebuilt with the table" });
      }
      if (table2) foreignKeyRebuild(table2, operation.column, verdict.rewrite, locks);
      break;
    }
    case "set-not-null": {
      const proof = notNullProof(schema.table(operation.table), operation.column, pgVersion);
      if (proof) effect.notNullProof = proof;
      if (proof) {
        locks.table(operation.table, "set-not-null-proven", "table", { why: `SET NOT NULL without a scan: ${proof}` });
        break;
      }
      const table2 = schema.table(operation.table);
      if (table2?.kind !== "partitioned table") {
        locks.table(operation.table, "set-not-null", "table", { why: "SET NOT NULL scans every row" });
        break;
      }
      locks.table(operation.table, "set-not-null", "table", { scan: false, why: "SET NOT NULL on each partition" });
      for (const partition of allPartitions(table2)) locks.table(partition, "set-not-null", "partition", { why: "SET NOT NULL scans the partition's rows" });
      break;
    }
    case "drop-not-null":
      locks.table(operation.table, "drop-not-null", "table");
      break;
    case "drop-default":
      locks.table(operation.table, "drop-default", "table");
      break;
    case "set-default":
      locks.table(operation.table, "set-default", "table", { why: "new default applies to future rows only" });
      break;
    case "add-constraint":
      addConstraintEffect(operation.table, operation.constraint, ctx, locks);
      break;
    case "validate-constraint": {
      const table2 = schema.table(operation.table);
      const constraint = table2?.constraints.get(operation.name);
      if (constraint?.validated) {
        locks.table(operation.table, "validate-constraint-valid", "table", { why: `${operation.name} is already valid: nothing read` });
        break;
      }
      locks.table(operation.table, "validate-constraint", "table", { why: `validates ${operation.name}` });
      if (constraint?.references) locks.table(constraint.references, "validate-constraint", "referenced table", { why: "referenced rows are checked" });
      break;
    }
    case "drop-constraint": {
      const table2 = schema.table(operation.table);
      const constraint = table2?.constraints.get(operation.name);
      locks.table(operation.table, "drop-constraint", "table", { why: `drops constraint ${operation.name}` });
      if (constraint?.references && constraint.references !== table2)
        locks.table(constraint.references, "drop-constraint", "referenced table", { why: "its foreign-key triggers are removed" });
      if (table2 && operation.cascade && (constraint?.kind === "primary-key" || constraint?.kind === "unique")) {
        for (const referencing of table2.referencedBy)
          if (referencing !== table2) locks.table(referencing, "drop-constraint", "referencing table", { why: "CASCADE drops its foreign key" });
      }
      break;
    }
    case "rename-table":
    case "rename-constraint":
      locks.table(operation.table, "rename", "table", { why: "renamed" });
      break;
    case "rename-column": {
      locks.table(operation.table, "rename", "table", { why: "renamed" });
      const table2 = schema.table(operation.table);
      for (const child of table2 ? [...allPartitions(table2), ...allInheritors(table2)] : [])
        locks.table(child, "rename", "table", { why: `column renamed with ${operation.table.written}'s` });
      break;
    }
    case "set-schema":
      locks.table(operation.relation, "set-schema", "table", { why: "moved to another schema" });
      break;
    case "rename-index":
      locks.index(operation.index, "rename-index", "index", { why: "renamed" });
      break;
    case "create-index": {
      const table2 = schema.table(operation.table);
      const row = operation.concurrent ? "create-index-concurrently" : "create-index";
      if (operation.ifNotExists && operation.index && schema.index(operation.index)) {
        locks.table(operation.table, operation.concurrent ? "create-index-concurrently-exists" : "create-index-exists", "table", {
          why: `index ${operation.index.written} exists: nothing built`
        });
        break;
      }
      if (operation.only && table2?.kind === "partitioned table") {
        locks.table(operation.table, "create-index-only", "table", { why: "ON ONLY: an invalid index on the parent alone, no partition read" });
        if (operation.index) locks.index(operation.index, "create-index-only", "new index", { novelty: "created by this statement" });
        break;
      }
      const partitioned = table2?.kind === "partitioned table";
      locks.table(operation.table, row, "table", {
        scan: partitioned ? false : void 0,
        why: operation.concurrent ? "concurrent index build (two scans, no write block)" : "index build"
      });
      if (partitioned) for (const partition of allPartitions(table2)) locks.table(partition, row, "partition", { why: "index build on the partition" });
      if (operation.index) locks.index(operation.index, row, "new index", { novelty: "created by this statement" });
      break;
    }
    case "reindex":
      reindexEffect(operation, ctx, locks);
      break;
    case "truncate": {
      locks.table(operation.table, "truncate", "table", { why: "TRUNCATE replaces the table's files", notInherited: operation.only });
      const table2 = schema.table(operation.table);
      if (table2 && operation.cascade)
        for (const referencing of referencingClosure(table2)) locks.table(referencing, "truncate", "referencing table", { why: "TRUNCATE CASCADE" });
      break;
    }
    case "update": {
      const table2 = schema.table(operation.table);
      locks.table(operation.table, "update", "table", operation.joined ? joinedSearch("updates") : rowSearch(table2, operation.where, "updates"));
      if (table2) {
        for (const c of table2.constraints.values()) {
          if (c.references && c.references !== table2 && c.columns.some((col) => operation.columns.includes(col))) {
            locks.table(c.references, "update", "referenced table", { why: `foreign key ${c.name} checks the new values` });
          }
        }
      }
      if (table2)
        for (const [referencing, unindexed] of keyChangeChecks(table2, operation.columns))
          locks.table(referencing, "delete-referencing-check", "referencing table", {
            scan: unindexed,
            why: `foreign key checks for referencing rows${unindexed ? "; no index on the referencing columns: scanned for each updated row" : ""}`
          });
      for (const read of readsBesides(operation.reads, operation.table)) locks.table(read, "update", "read table", { why: "read" });
      break;
    }
    case "delete": {
      const table2 = schema.table(operation.table);
      locks.table(operation.table, "delete", "table", operation.joined ? joinedSearch("deletes") : rowSearch(table2, operation.where, "deletes"));
      if (table2) {
        for (const referencing of table2.referencedBy) {
          if (referencing === table2) continue;
          const actions = [...referencing.constraints.values()].filter((c) => c.references === table2);
          const changesRows = actions.some((c) => c.onDelete === "c" || c.onDelete === "n" || c.onDelete === "d");
          const unindexed = actions.some((c) => !hasIndexLeadingWith(referencing, c.columns));
          locks.table(referencing, changesRows ? "delete-referencing-action" : "delete-referencing-check", "referencing table", {
            scan: unindexed,
            why: `${changesRows ? "ON DELETE action changes its rows" : "foreign key checks for referencing rows"}${unindexed ? "; no index on the referencing columns: scanned for each deleted row" : ""}`
          });
        }
      }
      for (const read of readsBesides(operation.reads, operation.table)) locks.table(read, "delete", "read table", { why: "read" });
      break;
    }
    case "insert": {
      locks.table(operation.table, "insert", "table", { why: "inserts rows" });
      const table2 = schema.table(operation.table);
      const base = table2?.kind === "view" && table2.readsFrom.length === 1 ? table2.readsFrom[0] : void 0;
      if (base && base.kind === "table") locks.table(base, "insert", "table", { why: `rows inserted through view ${operation.table.written}` });
      const written = base?.kind === "table" ? base : table2;
      if (written) {
        for (const c of written.constraints.values()) {
          if (c.references && c.references !== written)
            locks.table(c.references, "insert", "referenced table", { why: `foreign key ${c.name} checks the new rows` });
        }
      }
      for (const read of readsBesides(operation.reads, operation.table)) locks.table(read, "insert", "read table", { why: "read" });
      break;
    }
    case "select": {
      const row = operation.locking ? "select-for-update" : "select";
      const byKey = operation.reads.length === 1 && operation.where !== void 0 && operation.where !== null;
      for (const read of operation.reads) {
        locks.table(read, row, "read table", byKey ? rowSearch(schema.table(read), operation.where ?? null, "reads") : { why: "read" });
        const view = schema.table(read);
        if (view) for (const base of viewBases(view)) locks.table(base, row, "read table", { why: `read through view ${read.written}` });
      }
      break;
    }
    case "vacuum":
      if (!operation.table) break;
      if (operation.analyzeOnly) locks.table(operation.table, "analyze", "table", { why: "ANALYZE samples rows" });
      else if (operation.full) locks.table(operation.table, "vacuum-full", "table", { why: "VACUUM FULL rewrites the table" });
      else locks.table(operation.table, "vacuum", "table", { why: "VACUUM" });
      break;
    case "cluster": {
      if (!operation.table) break;
      locks.table(operation.table, "cluster", "table", { why: "CLUSTER rewrites the table in index order" });
      const table2 = schema.table(operation.table);
      if (table2) for (const index of table2.indexes) locks.index(index, "cluster", "index", { why: "rebuilt with the table" });
      break;
    }
    case "refresh-materialized-view": {
      if (!operation.withData) {
        locks.table(operation.view, "refresh-materialized-view-no-data", "view", { why: "WITH NO DATA empties the view: its tables are not read" });
        break;
      }
      const view = schema.table(operation.view);
      const row = operation.concurrent ? "refresh-materialized-view-concurrently" : "refresh-materialized-view";
      for (const read of view?.readsFrom ?? []) locks.table(read, row, "read table", { why: "read to refresh the view" });
      locks.table(operation.view, row, "view", {
        why: operation.concurrent ? "REFRESH ... CONCURRENTLY compares old and new rows" : "REFRESH replaces the view's contents"
      });
      break;
    }
    case "attach-partition": {
      const parent = schema.table(operation.table);
      const partition = schema.table(operation.partition);
      locks.table(operation.table, "attach-partition", "partition parent", { why: "gains a partition" });
      const implied = partition && parent ? partitionConstraintImplied(partition, parent) : false;
      const indexed = (parent?.indexes.size ?? 0) > 0;
      locks.table(operation.partition, "attach-partition", "partition", {
        scan: implied && !indexed ? false : void 0,
        why: implied ? `a validated CHECK on the partition key spares the bound check${indexed ? "; the parent's indexes are built on it" : ""}` : "every row is checked against the partition bound"
      });
      const defaultPartition = operation.defaultPartition ? void 0 : findDefaultPartition(parent);
      if (defaultPartition)
        locks.table(defaultPartition, "attach-partition", "default partition", { why: "the default partition is checked for rows of the new bound" });
      break;
    }
    case "detach-partition": {
      const row = operation.concurrent || operation.finalize ? "detach-partition-concurrently" : "detach-partition";
      locks.table(operation.table, row, "partition parent", { why: "loses a partition" });
      locks.table(operation.partition, row, "partition", { why: "detached" });
      const defaultPartition = findDefaultPartition(schema.table(operation.table));
      if (defaultPartition && !sameRelation(defaultPartition, operation.partition))
        locks.table(defaultPartition, row, "default partition", { why: "the default partition's bound changes" });
      break;
    }
    case "lock-table": {
      const named = { mode: operation.mode, rewrite: false, scan: false };
      locks.tableWith(operation.table, "LOCK TABLE", named, { why: "LOCK TABLE" });
      const table2 = schema.table(operation.table);
      if (table2 && !operation.only)
        for (const partition of allPartitions(table2)) locks.tableWith(partition, "LOCK TABLE", named, { why: "LOCK TABLE: a partition of it" });
      if (table2 && !operation.only)
        for (const child of allInheritors(table2)) locks.tableWith(child, "LOCK TABLE", named, { why: "LOCK TABLE: an inheritance child of it" });
      if (table2) for (const read of viewBases(table2)) locks.tableWith(read, "LOCK TABLE", named, { why: `LOCK TABLE of view ${operation.table.written}` });
      break;
    }
    case "table-object":
      if (operation.ifExists && absentObject(schema.table(operation.table), `${operation.object}:${operation.name}`)) break;
      locks.table(operation.table, "table-object", "table", { why: `${operation.action.toUpperCase()} ${operation.object.toUpperCase()}` });
      break;
    case "attach-index": {
      const parent = schema.index(operation.index);
      const child = schema.index(operation.partitionIndex);
      locks.index(operation.index, "attach-index", "index", { why: "gains a partition's index" });
      locks.index(operation.partitionIndex, "attach-index", "partition index", { why: "attached" });
      if (parent?.table) locks.table(parent.table, "attach-index", "table", { why: "its index gains a partition's index" });
      if (child?.table && child.table !== parent?.table) locks.table(child.table, "attach-index", "partition", { why: "its index is attached" });
      break;
    }
    case "create-trigger":
    case "enable-disable-trigger":
      locks.table(operation.table, "create-trigger", "table", { why: "trigger change" });
      break;
    case "drop-trigger":
      if (operation.ifExists && absentObject(schema.table(operation.table), `trigger:${operation.name}`)) break;
      locks.table(operation.table, "drop-trigger", "table", { why: "trigger dropped" });
      break;
    case "comment":
      if (operation.relation) {
        if (operation.on === "INDEX") locks.index(operation.relation, "comment", "index", { why: "COMMENT" });
        else locks.table(operation.relation, "comment", "table", { why: "COMMENT" });
      }
      if (operation.tableOf) locks.table(operation.tableOf, "comment-on-object", "table", { why: `COMMENT ON ${operation.on}` });
      if (operation.type) locks.type(operation.type, "comment-on-object", "type");
      break;
    case "grant":
      if (since("grantLocksTable", pgVersion)) locks.table(operation.relation, "grant", "table", { why: "GRANT / REVOKE" });
      break;
    case "alter-table-other": {
      const table2 = schema.table(operation.table);
      const persistenceUnchanged = table2?.declared && (operation.form === "SET LOGGED" && !table2.unlogged || operation.form === "SET UNLOGGED" && table2.unlogged || !table2.customStorage && table2.kind === "table" && isDefaultStorage(operation.form, operation.target));
      const detail = { options: operation.options, virtualColumn: operation.column !== null && table2?.columns.get(operation.column)?.generated === "virtual" };
      const row = alterTableRowId(operation.form, detail);
      const fact2 = alterTableFact(operation.form, detail);
      if (operation.onIndex && (row === "alter-table: light storage parameters" || operation.form === "ALTER COLUMN SET STATISTICS")) {
        locks.index(operation.table, "alter-index-storage", "index", { why: operation.what });
        break;
      }
      if (operation.parent)
        locks.table(operation.parent, operation.form === "NO INHERIT" ? "no-inherit-parent" : "inherit-parent", "inheritance parent", {
          why: `${operation.form}: its children change`
        });
      locks.tableWith(operation.table, `${row} / table`, fact2, {
        rewrite: fact2.rewrite && !persistenceUnchanged,
        scan: persistenceUnchanged ? false : void 0,
        why: operation.what
      });
      break;
    }
    case "domain-constraint":
      if (operation.action === "add" && !operation.notValid || operation.action === "validate") {
        for (const table2 of schema.tablesUsingType(operation.domain))
          locks.table(table2, "add-domain-constraint", "column of the domain", { why: `checks its ${operation.domain.written} columns` });
      }
      break;
    case "alter-sequence":
      locks.sequence(operation.sequence, "alter-sequence", "sequence", { why: "nextval() waits" });
      if (operation.ownedBy) locks.table(operation.ownedBy, "alter-sequence-owned-by", "owning table", { why: "OWNED BY looks up the column" });
      break;
    case "add-enum-value":
    case "rename-enum-value":
      locks.type(operation.type, "alter-enum-value", "type");
      break;
    case "drop-schema":
      if (operation.cascade)
        for (const table2 of schema.tablesInSchema(operation.schema))
          locks.table(table2, "drop-table", "table", { why: `DROP SCHEMA ${operation.schema} CASCADE` });
      break;
    case "rename-schema":
    case "drop-database":
      break;
    case "drop-type":
      if (operation.ifExists && !schema.enumType(operation.type.schema, operation.type.name) && schema.tablesUsingType(operation.type).length === 0) break;
      locks.type(operation.type, "drop-type", "type");
      if (operation.cascade)
        for (const table2 of schema.tablesUsingType(operation.type))
          locks.table(table2, "drop-type", "column of the domain", { why: `CASCADE drops its ${operation.type.written} columns` });
      break;
    case "create-enum":
    case "set":
    case "transaction":
    case "unknown":
      break;
    case "no-table-lock":
      if (operation.locks) sideLock(operation.locks, operation.what, schema, locks);
      break;
    default: {
      const unhandled = operation;
      throw new Error(`effects: no case for operation ${JSON.stringify(unhandled)}`);
    }
  }
  return effect;
}
function addColumnEffect(tableRef, column2, schema, locks, effect) {
  const table2 = schema.table(tableRef);
  const defaultValue = column2.default;
  const perRow = defaultValue !== null && (defaultValue.volatility === "volatile" || defaultValue.volatility === "unknown");
  const reasons = [];
  if (column2.serial) reasons.push(`${column2.type?.name ?? "serial"} fills every row from a sequence`);
  if (column2.identity) reasons.push("an identity column fills every row from a sequence");
  if (column2.generated === "stored") reasons.push("a stored generated column is computed for every row");
  if (column2.type && schema.isCheckedDomain(column2.type)) reasons.push(`domain ${column2.type.name}'s CHECK is evaluated for every row`);
  if (perRow) {
    effect.perRowDefault = { volatile: defaultValue.volatileFunctions, unknown: defaultValue.unknownFunctions };
    reasons.push(
      defaultValue.volatility === "volatile" ? `volatile default ${defaultValue.volatileFunctions.join(", ")}() is evaluated for every row` : `the default calls ${defaultValue.unknownFunctions.join(", ")}(), whose volatility is unknown`
    );
  }
  const rewrite2 = reasons.length > 0;
  const constraints = column2.constraints;
  const indexBuild = constraints.some((c) => c.kind === "unique" || c.kind === "primary-key" || c.kind === "exclude");
  const check = constraints.some((c) => c.kind === "check");
  const fkWithValues = defaultValue !== null && constraints.some((c) => c.kind === "foreign-key");
  const scan2 = rewrite2 || indexBuild || check || fkWithValues;
  const why = rewrite2 ? reasons.join("; ") : indexBuild ? "builds an index for the new column" : check ? "checks the new column's CHECK constraint" : `adds column ${column2.name}`;
  const partitioned = table2?.kind === "partitioned table";
  if (partitioned && !indexBuild && !check && !fkWithValues) {
    const row = rewrite2 ? "add-column-filled" : "add-column";
    locks.table(tableRef, row, "table", { rewrite: false, scan: false, why: `adds column ${column2.name} to every partition` });
    for (const partition of allPartitions(table2)) locks.table(partition, row, "partition", { why });
  } else locks.table(tableRef, rewrite2 ? "add-column-filled" : scan2 ? "add-column-checked" : "add-column", "table", { why });
  for (const c of constraints) {
    if (c.kind === "foreign-key" && c.references && !sameRelation(c.references, tableRef)) {
      locks.table(c.references, fkWithValues ? "add-column-checked" : "add-column", "referenced table", { why: "foreign key to it" });
    }
  }
  effect.requiredWithoutDefault = column2.notNull && defaultValue === null && !column2.serial && !column2.identity && column2.generated === null;
}
function addConstraintEffect(tableRef, constraint, ctx, locks) {
  const { schema } = ctx;
  switch (constraint.kind) {
    case "check":
    case "not-null": {
      const table2 = schema.table(tableRef);
      if (!constraint.notValid && table2?.kind === "partitioned table") {
        locks.table(tableRef, "add-check", "table", { scan: false, why: "validates every partition under the lock" });
        for (const partition of allPartitions(table2)) locks.table(partition, "add-check", "partition", { why: "validates the partition's rows" });
        break;
      }
      locks.table(tableRef, constraint.notValid ? "add-check-not-valid" : "add-check", "table", {
        why: constraint.notValid ? "NOT VALID: existing rows are not checked" : "validates every row under the lock",
        notInherited: Boolean(constraint.noInherit)
      });
      const checked = schema.table(tableRef);
      if (constraint.noInherit && checked && since("noInheritCheckLocksChildren", ctx.pgVersion))
        for (const child of allInheritors(checked))
          locks.table(child, "add-check-no-inherit", "inheritance child", { why: "NO INHERIT: not checked, but locked" });
      break;
    }
    case "foreign-key": {
      const row = constraint.notValid ? "add-foreign-key-not-valid" : "add-foreign-key";
      locks.table(tableRef, row, "table", { why: constraint.notValid ? "NOT VALID: existing rows are not checked" : "validates every row" });
      if (constraint.references && !sameRelation(constraint.references, tableRef)) {
        locks.table(constraint.references, row, "referenced table", { why: "referenced by the new foreign key" });
      }
      break;
    }
    case "unique":
    case "primary-key": {
      if (constraint.usingIndex) {
        const table2 = schema.table(tableRef);
        const nullable = constraint.kind === "primary-key" && !columnsProvablyNotNull(
          table2,
          constraint.columns.length ? constraint.columns : schema.index({ schema: tableRef.schema, name: constraint.usingIndex })?.columns ?? []
        );
        if (nullable)
          locks.table(tableRef, "add-primary-key-using-index-nullable", "table", { why: "USING INDEX, but the key columns must be checked for NULLs" });
        else locks.table(tableRef, "add-unique-using-index", "table", { why: "USING INDEX: no index build" });
      } else {
        locks.table(tableRef, "add-unique", "table", { why: "builds the index under the lock" });
      }
      break;
    }
    case "exclude":
      locks.table(tableRef, "add-exclusion", "table", { why: "builds the exclusion index under the lock" });
      break;
    default: {
      const unhandled = constraint.kind;
      throw new Error(`effects: no case for constraint kind ${String(unhandled)}`);
    }
  }
}
function reindexEffect(operation, ctx, locks) {
  const row = operation.concurrent ? "reindex-concurrently" : "reindex";
  if (operation.target === "schema" && operation.schema) {
    for (const table2 of ctx.schema.tablesInSchema(operation.schema)) {
      if (table2.kind !== "table" && table2.kind !== "materialized view") continue;
      locks.table(table2, row, "table", { why: `REINDEX SCHEMA ${operation.schema}` });
      for (const index of table2.indexes) locks.index(index, row, "index", { why: "rebuilt" });
    }
    return;
  }
  if (!operation.relation) return;
  if (operation.target === "index") {
    const index = ctx.schema.index(operation.relation);
    if (index?.table)
      locks.table(index.table, row, "table", {
        why: operation.concurrent ? "read to rebuild the index" : `read to rebuild the index; its reads wait too: queries planned on it open ${operation.relation.written}`,
        alsoBlocks: operation.concurrent ? [] : ["reads"]
      });
    locks.index(operation.relation, row, "index", { why: "rebuilt" });
  } else if (operation.target === "table") {
    const table2 = ctx.schema.table(operation.relation);
    locks.table(operation.relation, row, "table", {
      why: `${table2 ? "read to rebuild its indexes" : "read to rebuild its indexes (each index locked too)"}${operation.concurrent ? "" : "; its reads wait too: queries planned on it open its indexes"}`,
      alsoBlocks: operation.concurrent ? [] : ["reads"]
    });
    if (table2) for (const index of table2.indexes) locks.index(index, row, "index", { why: "rebuilt" });
  }
}
function keyChangeChecks(table2, columns) {
  const primaryKey = [...table2.constraints.values()].find((c) => c.kind === "primary-key")?.columns ?? [];
  const found = /* @__PURE__ */ new Map();
  for (const referencing of table2.referencedBy) {
    if (referencing === table2) continue;
    for (const c of referencing.constraints.values()) {
      if (c.references !== table2) continue;
      const referenced = c.referencedColumns?.length ? c.referencedColumns : primaryKey;
      if (!referenced.some((col) => columns.includes(col))) continue;
      found.set(referencing, (found.get(referencing) ?? false) || !hasIndexLeadingWith(referencing, c.columns));
    }
  }
  return found;
}
function absentObject(table2, key) {
  return table2 !== void 0 && table2.declared && !table2.objects.has(key);
}
function readsBesides(reads, target) {
  return reads.filter((read) => !sameRelation(read, target));
}
function foreignKeyRebuild(table2, column2, rewrite2, locks) {
  const { referenced, referencing } = foreignKeysOnColumn(table2, column2);
  for (const [role, byTable] of [
    ["referenced table", referenced],
    ["referencing table", referencing]
  ]) {
    for (const [other, keys] of byTable) {
      const why = `${names(keys)} rebuilt for the new type`;
      if (!rewrite2) locks.table(other, "alter-column-type", role, { why });
      else if (keys.some((k) => k.validated)) locks.table(other, "alter-column-type-rewrite-revalidated", role, { why: `${why} and checked again` });
      else locks.table(other, "alter-column-type-rewrite", role, { why: `${why} (NOT VALID: not checked)` });
    }
  }
}
function names(keys) {
  return `foreign key${keys.length > 1 ? "s" : ""} ${keys.map((k) => k.name).join(", ")}`;
}
function sameRelation(a, b) {
  return relationKey(a.schema, a.name) === relationKey(b.schema, b.name);
}
function joinedSearch(verb) {
  return { scan: true, why: `${verb} the rows its join finds, reading the whole table` };
}
function rowSearch(table2, where, verb) {
  if (where === null) return { scan: true, why: `${verb} every row` };
  const indexed = table2 !== void 0 && [...table2.indexes].some((index) => index.columns[0] !== void 0 && where.includes(index.columns[0]));
  return indexed ? { scan: false, why: `${verb} the rows an index finds` } : { scan: true, why: `${verb} the rows its WHERE finds, reading the whole table (no index on ${where.join(", ") || "it"})` };
}
function allPartitions(table2) {
  const found = [];
  for (const partition of table2.partitions) found.push(partition, ...allPartitions(partition));
  return found;
}
function viewBases(view, seen = /* @__PURE__ */ new Set()) {
  if (view.kind !== "view") return [];
  const found = [];
  for (const read of view.readsFrom) {
    if (seen.has(read)) continue;
    seen.add(read);
    found.push(read, ...viewBases(read, seen));
  }
  return found;
}
function findDefaultPartition(parent) {
  if (!parent) return void 0;
  for (const partition of parent.partitions) if (partition.isDefaultPartition) return partition;
  return void 0;
}
function partitionConstraintImplied(partition, parent) {
  if (parent.partitionKey.length === 0) return false;
  const checked = /* @__PURE__ */ new Set();
  for (const c of partition.constraints.values()) if (c.kind === "check" && c.validated) for (const col of c.columns) checked.add(col);
  return parent.partitionKey.every((col) => checked.has(col));
}
function notNullProof(table2, column2, pgVersion) {
  const col = table2?.columns.get(column2);
  if (col?.notNull) return "the column is already NOT NULL";
  if (!since("setNotNullCheckProof", pgVersion) || !table2) return null;
  for (const c of table2.constraints.values()) {
    if (c.kind === "check" && c.validated && c.provesNotNull === column2) return `validated CHECK constraint ${c.name} proves it (PostgreSQL 12+)`;
  }
  return null;
}
function columnsProvablyNotNull(table2, columns) {
  if (!table2 || columns.length === 0) return false;
  return columns.every((c) => table2.columns.get(c)?.notNull);
}
function transactionRequirement(operations, pgVersion) {
  for (const operation of operations) {
    const refused = refusedInTransaction(operation, pgVersion);
    if (refused) return refused;
  }
  return null;
}
function refusedInTransaction(o, pgVersion) {
  switch (o.op) {
    case "create-index":
      return o.concurrent ? "CREATE INDEX CONCURRENTLY" : null;
    case "drop-index":
      return o.concurrent ? "DROP INDEX CONCURRENTLY" : null;
    case "reindex":
      if (o.concurrent) return "REINDEX CONCURRENTLY";
      return o.target === "schema" || o.target === "database" || o.target === "system" ? `REINDEX ${o.target.toUpperCase()}` : null;
    case "detach-partition":
      return o.concurrent ? "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY" : null;
    case "vacuum":
      return o.analyzeOnly ? null : "VACUUM";
    case "cluster":
      return o.table ? null : "CLUSTER without a table name";
    case "add-enum-value":
      return since("enumAddValueInTransaction", pgVersion) ? null : "ALTER TYPE ... ADD VALUE (before PostgreSQL 12)";
    case "create-table":
    case "create-view":
    case "create-table-as":
    case "drop-relation":
    case "add-column":
    case "drop-column":
    case "alter-column-type":
    case "set-not-null":
    case "drop-not-null":
    case "set-default":
    case "drop-default":
    case "add-constraint":
    case "validate-constraint":
    case "drop-constraint":
    case "rename-table":
    case "rename-column":
    case "rename-index":
    case "rename-constraint":
    case "set-schema":
    case "create-enum":
    case "rename-enum-value":
    case "drop-type":
    case "truncate":
    case "update":
    case "delete":
    case "insert":
    case "select":
    case "refresh-materialized-view":
    case "attach-partition":
    case "lock-table":
    case "create-trigger":
    case "drop-trigger":
    case "enable-disable-trigger":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "drop-schema":
    case "rename-schema":
    case "drop-database":
    case "domain-constraint":
    case "alter-table-other":
    case "no-table-lock":
    case "alter-sequence":
    case "table-object":
    case "attach-index":
    case "unknown":
      return null;
    default: {
      const unhandled = o;
      throw new Error(`effects: no transaction rule for operation ${JSON.stringify(unhandled)}`);
    }
  }
}
function objectLocksOf(effects) {
  const merged = /* @__PURE__ */ new Map();
  for (const effect of effects.operations) {
    for (const lock of effect.objectLocks) {
      const seen = merged.get(lock.key);
      if (!seen) merged.set(lock.key, { ...lock, why: [...lock.why] });
      else seen.mode = stronger(seen.mode, lock.mode);
    }
  }
  return [...merged.values()];
}
function mergeLocks(effects) {
  const merged = /* @__PURE__ */ new Map();
  for (const effect of effects) {
    for (const lock of effect.locks) {
      const seen = merged.get(lock.key);
      if (!seen) {
        merged.set(lock.key, { ...lock, why: [...lock.why] });
        continue;
      }
      seen.mode = stronger(seen.mode, lock.mode);
      seen.blocks = unionBlocked(seen.blocks, lock.blocks, blockedBy(seen.mode));
      seen.rewrite ||= lock.rewrite;
      seen.scan ||= lock.scan;
      seen.novelty = seen.novelty ?? lock.novelty;
      seen.newInTransaction ||= lock.newInTransaction;
      for (const why of lock.why) if (!seen.why.includes(why)) seen.why.push(why);
    }
  }
  return [...merged.values()];
}

// src/sql/split.ts
var C = {
  Tab: 9,
  LF: 10,
  CR: 13,
  Space: 32,
  DoubleQuote: 34,
  Dollar: 36,
  Quote: 39,
  OpenParen: 40,
  CloseParen: 41,
  Star: 42,
  Dash: 45,
  Dot: 46,
  Slash: 47,
  Semicolon: 59,
  Backslash: 92
};
function isSpace(c) {
  return c === C.Space || c === C.LF || c === C.CR || c === C.Tab || c === 11 || c === 12;
}
function isIdentStart(c) {
  return c >= 97 && c <= 122 || c >= 65 && c <= 90 || c === 95 || c >= 128;
}
function isIdentChar(c) {
  return isIdentStart(c) || c >= 48 && c <= 57 || c === C.Dollar;
}
function* splitStatements(text2) {
  const spans = [];
  const n = text2.length;
  let i = 0;
  let stmtStart = -1;
  let lastTokenEnd = -1;
  let wordIndex = 0;
  let isRoutine = false;
  let sawCreate = false;
  let blockDepth = 0;
  let isRule = false;
  let parenDepth = 0;
  let isCopy = false;
  let previousWord = "";
  let copiesFromStdin = false;
  let copyDataNext = false;
  let copyAt = 0;
  let unclosed;
  const beginToken = (at2) => {
    if (stmtStart === -1) {
      stmtStart = at2;
      wordIndex = 0;
      isRoutine = false;
      sawCreate = false;
      blockDepth = 0;
      isRule = false;
      parenDepth = 0;
      isCopy = false;
      copiesFromStdin = false;
    }
  };
  const endStatement = (terminated) => {
    if (stmtStart !== -1) spans.push({ kind: "statement", start: stmtStart, end: lastTokenEnd, terminated });
    if (terminated && copiesFromStdin) expectCopyData(stmtStart);
    stmtStart = -1;
  };
  const expectCopyData = (at2) => {
    copyDataNext = true;
    copyAt = at2;
  };
  const onWord = (word) => {
    const w = word.toLowerCase();
    if (wordIndex === 0) {
      sawCreate = w === "create";
      isCopy = w === "copy";
    } else if (sawCreate && wordIndex <= 3 && (w === "function" || w === "procedure")) isRoutine = true;
    else if (sawCreate && wordIndex <= 3 && w === "rule") isRule = true;
    if (isCopy && previousWord === "from" && w === "stdin") copiesFromStdin = true;
    previousWord = w;
    wordIndex++;
    if (!isRoutine) return;
    if (w === "begin" || w === "case") blockDepth++;
    else if (w === "end" && blockDepth > 0) blockDepth--;
  };
  const closed = (end, what, at2) => {
    if (end !== -1) return end;
    unclosed = { what, at: at2 };
    return n;
  };
  while (i < n) {
    if (spans.length > 0) {
      for (let k = 0; k < spans.length; k++) yield spans[k];
      spans.length = 0;
    }
    const c = text2.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      if (c === C.LF && copyDataNext) {
        copyDataNext = false;
        const end = closed(endOfCopyData(text2, i), "COPY data", copyAt);
        spans.push({ kind: "psql", what: "COPY data", start: i, end });
        i = end;
      }
      continue;
    }
    if (c === C.Dash && text2.charCodeAt(i + 1) === C.Dash) {
      const j = endOfLine(text2, i + 2);
      if (stmtStart === -1) spans.push({ kind: "comment", start: i, end: j, body: text2.slice(i + 2, j) });
      i = j;
      continue;
    }
    if (c === C.Slash && text2.charCodeAt(i + 1) === C.Star) {
      const end = endOfBlockComment(text2, i);
      const j = closed(end, "/* comment", i);
      if (stmtStart === -1) spans.push({ kind: "comment", start: i, end: j, body: text2.slice(i + 2, end === -1 ? j : j - 2) });
      i = j;
      continue;
    }
    if (c === C.Backslash && stmtStart === -1) {
      const end = endOfLine(text2, i);
      spans.push({ kind: "psql", what: "meta-command", start: i, end });
      if (COPY_FROM_STDIN_META.test(text2.slice(i, end))) expectCopyData(i);
      i = end;
      continue;
    }
    if (c === C.Semicolon) {
      if (stmtStart === -1) {
        i++;
        continue;
      }
      if (blockDepth === 0 && parenDepth === 0) {
        endStatement(true);
        i++;
        continue;
      }
      lastTokenEnd = i + 1;
      i++;
      continue;
    }
    beginToken(i);
    if (c === C.Quote) {
      i = closed(skipQuoted(text2, i, C.Quote, isEscapeStringPrefix(text2, i)), "quoted string", i);
    } else if (c === C.DoubleQuote) {
      i = closed(skipQuoted(text2, i, C.DoubleQuote, false), "quoted identifier", i);
    } else if (c === C.Dollar && !isIdentChar(text2.charCodeAt(i - 1) || 0)) {
      i = closed(skipDollar(text2, i), "dollar-quoted string", i);
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text2.charCodeAt(j))) j++;
      onWord(text2.slice(i, j));
      i = j;
    } else {
      if (c === C.OpenParen && isCopy && wordIndex === 1) isCopy = false;
      if (isRule && c === C.OpenParen) parenDepth++;
      else if (isRule && c === C.CloseParen && parenDepth > 0) parenDepth--;
      i++;
    }
    lastTokenEnd = i;
  }
  endStatement(false);
  if (unclosed) spans[spans.length - 1].unclosed = unclosed;
  yield* spans;
}
var COPY_FROM_STDIN_META = /^\\copy\b.*\bfrom\s+stdin\b/i;
function endOfLine(text2, from) {
  let j = from;
  while (j < text2.length && text2.charCodeAt(j) !== C.LF && text2.charCodeAt(j) !== C.CR) j++;
  return j;
}
function endOfBlockComment(text2, i) {
  const n = text2.length;
  let depth = 1;
  let j = i + 2;
  while (j < n) {
    const d = text2.charCodeAt(j);
    if (d === C.Slash && text2.charCodeAt(j + 1) === C.Star) {
      depth++;
      j += 2;
    } else if (d === C.Star && text2.charCodeAt(j + 1) === C.Slash) {
      j += 2;
      if (--depth === 0) return j;
    } else j++;
  }
  return -1;
}
function endOfCopyData(text2, from) {
  let line = from;
  while (line < text2.length) {
    let next = text2.indexOf("\n", line);
    if (next === -1) next = text2.length;
    const end = text2.charCodeAt(next - 1) === C.CR && next > line ? next - 1 : next;
    if (end - line === 2 && text2.charCodeAt(line) === C.Backslash && text2.charCodeAt(line + 1) === C.Dot) return end;
    line = next + 1;
  }
  return -1;
}
function isEscapeStringPrefix(text2, i) {
  const p = text2.charCodeAt(i - 1);
  if (p !== 69 && p !== 101) return false;
  const before = text2.charCodeAt(i - 2);
  return !(before && isIdentChar(before));
}
function skipQuoted(text2, i, quote, backslashEscapes) {
  const n = text2.length;
  let j = i + 1;
  while (j < n) {
    const d = text2.charCodeAt(j);
    if (backslashEscapes && d === C.Backslash) {
      j += 2;
      continue;
    }
    if (d === quote) {
      if (text2.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return -1;
}
function skipDollar(text2, i) {
  const n = text2.length;
  let j = i + 1;
  while (j < n && text2.charCodeAt(j) !== C.Dollar) {
    const d = text2.charCodeAt(j);
    if (!(j === i + 1 ? isIdentStart(d) : isIdentChar(d) && d !== C.Dollar)) return i + 1;
    j++;
  }
  if (j >= n) return i + 1;
  const tag = text2.slice(i, j + 1);
  const close2 = text2.indexOf(tag, j + 1);
  return close2 === -1 ? -1 : close2 + tag.length;
}

// src/sql/parse.ts
var BATCH = 64;
function parseFile(file) {
  const lines = new LineIndex(file.text);
  return { file, lines, batches: () => parseBatches(file, lines) };
}
function* parseBatches(file, lines) {
  for (const batch of locate2(file, lines)) {
    const results = parseStatements(batch.statements.map((s) => s.sql));
    batch.statements.forEach((statement, i) => {
      const { operations, error } = results[i];
      statement.operations = operations;
      if (error) {
        const index = indexOfCodePoint(statement.sql, error.cursor);
        statement.syntaxError = { message: error.message, position: lines.position(statement.start + index), at: utf8Length(statement.sql, 0, index) };
      }
    });
    yield batch.items;
  }
}
function* locate2(file, lines) {
  const text2 = file.text;
  let byteCursor = 0;
  let byteCursorOffset = 0;
  const byteOffset = (offset) => {
    byteCursor += utf8Length(text2, byteCursorOffset, offset);
    byteCursorOffset = offset;
    return byteCursor + file.bomBytes;
  };
  let batch = { items: [], statements: [] };
  let index = 0;
  for (const span of splitStatements(text2)) {
    if (span.kind === "psql") continue;
    if (span.kind === "comment") {
      batch.items.push({ kind: "comment", comment: { file, body: span.body, position: lines.position(span.start) } });
      continue;
    }
    const statement = {
      file,
      index: index++,
      sql: text2.slice(span.start, span.end),
      start: span.start,
      end: span.end,
      byteStart: byteOffset(span.start),
      byteEnd: byteOffset(span.end),
      startPos: lines.position(span.start),
      endPos: lines.position(span.end),
      operations: [],
      syntaxError: null
    };
    batch.items.push({ kind: "statement", statement });
    batch.statements.push(statement);
    if (batch.statements.length === BATCH) {
      yield batch;
      batch = { items: [], statements: [] };
    }
  }
  if (batch.items.length > 0) yield batch;
}
function charOffsetOfByte(text2, byte) {
  let bytes = 0;
  let i = 0;
  while (i < text2.length && bytes < byte) {
    const c = text2.charCodeAt(i);
    if (c < 128) bytes += 1;
    else if (c < 2048) bytes += 2;
    else if (c >= 55296 && c <= 56319) {
      bytes += 4;
      i++;
    } else bytes += 3;
    i++;
  }
  return i;
}

// src/locks/held-locks.ts
var HeldLocks = class {
  constructor(perUnit) {
    this.perUnit = perUnit;
  }
  perUnit;
  locks = /* @__PURE__ */ new Map();
  scope = null;
  /** The locks held as the statement starts. */
  before(place) {
    const scope = place.transaction === null ? null : this.perUnit ? `${place.transaction}/${place.unit.key}` : String(place.transaction);
    if (scope !== this.scope) this.locks.clear();
    this.scope = scope;
    return this.locks;
  }
  after(statement, place, effects) {
    const ends = effects.operations.some((e) => e.operation.op === "transaction" && e.operation.kind !== "begin" && e.operation.kind !== "savepoint");
    if (place.transaction === null || ends) {
      this.locks.clear();
      return;
    }
    for (const lock of effects.locks) {
      if (this.perUnit ? lock.novelty !== null : lock.newInTransaction) continue;
      const previous = this.locks.get(lock.key);
      if (previous && stronger(previous.mode, lock.mode) === previous.mode) continue;
      const order = previous?.order ?? this.locks.size;
      this.locks.set(lock.key, {
        relation: lock.relation,
        mode: lock.mode,
        line: statement.startPos.line,
        sql: statement.sql,
        revision: place.revision?.id ?? null,
        order
      });
    }
  }
};

// src/lint/findings.ts
function lockFact2(lock) {
  return {
    relation: lock.relation,
    kind: lock.kind,
    mode: lock.mode,
    blocks: lock.blocks,
    rewrite: lock.rewrite,
    scan: lock.scan,
    new: lock.novelty,
    why: lock.why,
    estimate: { qualitative: lock.scan || lock.rewrite ? "proportional to table size" : "instant" }
  };
}
var SEVERITY_RANK = { warning: 1, error: 2 };
function reachesFailLevel(finding, failOn) {
  return failOn !== "never" && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
}

// src/lint/rule-runner.ts
var UnitEndChecks = class {
  checks = [];
  unit = null;
  /** Called with each statement's unit (null: the file itself): runs the checks of a unit that ended. */
  enter(unit) {
    if (unit !== this.unit) this.end();
    this.unit = unit;
  }
  /** The unit ended (or the file did). */
  end() {
    const due = this.checks;
    this.checks = [];
    for (const check of due) check();
  }
  add(check) {
    this.checks.push(check);
  }
};
function runRules(options, state, findings) {
  if (options.rules.length === 0) return;
  const { statement, effects, place, session, lines, seen } = state;
  let rule = options.rules[0];
  const ctx = {
    statement,
    effects,
    place,
    inTransactionBlock: place.transaction !== null,
    pgVersion: options.pgVersion,
    heldLocks: state.held,
    transactionLocks: state.heldInTransaction,
    afterUnit: (check) => {
      const owner = rule;
      state.deferred.add(() => {
        rule = owner;
        guarded(owner, state, findings, check);
      });
    },
    tableKnown: (relation2) => state.schema.table(relation2)?.declared === true,
    columnType: (relation2, column2) => state.schema.table(relation2)?.columns.get(column2)?.type ?? null,
    indexCovers: (relation2, columns) => {
      const table2 = state.schema.table(relation2);
      if (!table2) return null;
      return hasIndexLeadingWith(table2, columns) ? true : table2.declared ? false : null;
    },
    setting: (name) => session.get(name, place),
    firstTime: (key) => {
      let keys = seen.get(rule.id);
      if (!keys) seen.set(rule.id, keys = /* @__PURE__ */ new Set());
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    },
    where: (line) => state.places.describe(line),
    unitState: (create) => {
      const scope = place.transaction === null ? `s${statement.index}` : `${place.transaction}/${place.unit.key}`;
      const kept = state.ruleStates.get(rule.id);
      if (kept && kept.scope === scope) return kept.value;
      const value = create();
      state.ruleStates.set(rule.id, { scope, value });
      return value;
    },
    report: (report) => findings.push(toFinding(rule, report, state, lines))
  };
  for (rule of options.rules) {
    const running2 = rule;
    guarded(running2, state, findings, () => running2.check?.(ctx));
  }
}
function guarded(rule, state, findings, hook) {
  try {
    hook();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `rule ${rule.id} failed on this statement (${reason}); this is a locklint bug, please report it`;
    const help = { text: "The other rules still ran. Run with the rule disabled until it is fixed." };
    findings.push(toFinding(rule, { message, help, severity: "warning" }, state, state.lines));
    const { statement } = state;
    state.internalErrors.push({
      file: statement.file.path,
      line: statement.startPos.line,
      column: statement.startPos.column,
      sql: statement.sql,
      message: `rule ${rule.id} failed: ${reason}`
    });
  }
}
function notAnalysed(state, reason, findings) {
  const message = `locklint could not analyse this statement (${reason}): the locks it takes are unknown and no rule checked it; this is a locklint limit or bug, please report it`;
  const help = { text: "Check this statement's locks by hand before deploying; the other statements were analysed." };
  findings.push(toFinding(NOT_ANALYSED, { message, help, locks: [] }, state, state.lines));
}
var NOT_ANALYSED = { id: "not-analysed", severity: "error" };
function internalError(state, reason, findings) {
  const message = `internal error: locklint failed on this statement (${reason}): the locks it takes are unknown; this is a locklint bug, please report it`;
  const help = { text: "Check this statement's locks by hand before deploying; the other statements were analysed." };
  findings.push(toFinding(INTERNAL_ERROR, { message, help, locks: [] }, state, state.lines));
}
var INTERNAL_ERROR = { id: "internal-error", severity: "error" };
function toFinding(rule, report, state, lines) {
  const { statement, effects, place } = state;
  const start = report.at === void 0 ? statement.startPos : lines.position(statement.start + charOffsetOfByte(statement.sql, report.at));
  const finding = {
    rule: rule.id,
    severity: report.severity ?? rule.severity,
    message: report.message,
    help: report.help,
    file: statement.file.path,
    line: start.line,
    column: start.column,
    endLine: statement.endPos.line,
    endColumn: statement.endPos.column,
    revision: place.revision,
    sql: statement.sql,
    statementLine: statement.startPos.line,
    statementColumn: statement.startPos.column,
    locks: (report.locks ?? effects.locks).map(lockFact2)
  };
  const migration = report.migration ? state.places.shown(report.migration) : state.places.of(statement.startPos.line, statement.startPos.column);
  if (migration) finding.migration = migration;
  state.findingsAbout.push({ finding, statement });
  return finding;
}
function lockEstimated(options, state, lock, responsible, findings) {
  for (const rule of options.rules) {
    guarded(
      rule,
      state,
      findings,
      () => rule.onLockEstimate?.({
        lock,
        budget: options.lockBudget ?? {},
        place: state.place,
        responsible,
        where: (line) => state.places.describe(line),
        report: (report) => findings.push(toFinding(rule, report, state, state.lines))
      })
    );
  }
}
function unclosedTransaction(options, begin, findings) {
  for (const rule of options.rules) {
    guarded(
      rule,
      begin,
      findings,
      () => rule.onUnclosedTransaction?.({ begin: begin.statement, report: (report) => findings.push(toFinding(rule, report, begin, begin.lines)) })
    );
  }
}
function commentSeen(options, places, file, comment2, revision, findings, internalErrors) {
  for (const rule of options.rules) {
    try {
      rule.onComment?.({ body: comment2.body, revision, report: (report) => findings.push(commentFinding(rule, report, places, file, comment2, revision)) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `rule ${rule.id} failed on this comment (${reason}); this is a locklint bug, please report it`;
      findings.push(
        commentFinding(
          rule,
          { message, help: { text: "The other rules still ran. Run with the rule disabled until it is fixed." }, severity: "warning" },
          places,
          file,
          comment2,
          revision
        )
      );
      const { line, column: column2 } = comment2.position;
      internalErrors.push({ file, line, column: column2, sql: `--${comment2.body}`, message: `rule ${rule.id} failed: ${reason}` });
    }
  }
}
function commentFinding(rule, report, places, file, comment2, revision) {
  const { line, column: column2 } = comment2.position;
  const sql = `--${comment2.body}`;
  const migration = report.migration ? places.shown(report.migration) : places.locate({ file, sql, revision });
  return {
    rule: rule.id,
    severity: report.severity ?? rule.severity,
    message: report.message,
    help: report.help,
    file,
    line,
    column: column2,
    endLine: line,
    endColumn: column2 + Array.from(sql).length - 1,
    // inclusive, as for statements
    revision,
    sql,
    statementLine: line,
    statementColumn: column2,
    locks: [],
    ...migration ? { migration } : {}
  };
}
function reportUnused(unused, options, state, findings) {
  const rule = options.rules.find((r) => r.id === "unused-ignore");
  if (!rule) return;
  for (const ignore of unused) {
    const report = {
      message: `"${ignore.text}" silences nothing in the statement after it`,
      help: { text: "Remove the comment, or fix the rule ids it names." }
    };
    findings.push(commentFinding(rule, report, state.places, state.statement.file.path, { body: ignore.raw, position: ignore.position }, state.place.revision));
  }
}

// src/lint/suppressions.ts
var LOCKLINT = /^\s*locklint-ignore\b(?:\s*:\s*(.*))?\s*$/i;
var SQUAWK = /^\s*squawk-ignore\b(?:[\s:]+(.*))?\s*$/i;
function parseIgnore(body3, position) {
  const match = LOCKLINT.exec(body3) ?? SQUAWK.exec(body3);
  if (!match) return null;
  const list2 = (match[1] ?? "").split(/[\s,]+/).filter(Boolean);
  return { rules: list2.length ? list2 : null, position, text: body3.trim(), raw: body3 };
}
function applyIgnores(findings, from, ignores) {
  const used = /* @__PURE__ */ new Set();
  for (let i = findings.length - 1; i >= from; i--) {
    const ignore = ignores.find((g) => g.rules === null || g.rules.includes(findings[i].rule));
    if (!ignore) continue;
    used.add(ignore);
    findings.splice(i, 1);
  }
  return ignores.filter((g) => !used.has(g));
}

// src/cost/hold.ts
function workSpans(statements) {
  const totals = /* @__PURE__ */ new Map();
  const marks = statements.map((s) => {
    const ownMs = s.locks.reduce((sum, l) => sum + (l.work?.ms ?? 0), 0);
    const total = s.transaction === null ? { ms: 0, statements: 0 } : totals.get(s.transaction) ?? { ms: 0, statements: 0 };
    total.ms += ownMs;
    if (!s.controlsTransaction) total.statements++;
    if (s.transaction !== null) totals.set(s.transaction, total);
    return { ownMs, ms: total.ms, statements: total.statements, total };
  });
  return marks.map(({ ownMs, ms, statements: count2, total }) => ({ ownMs, laterMs: total.ms - ms, laterStatements: total.statements - count2 }));
}
function lockHold(lock, statementLocks, span) {
  return holdRange(span.ownMs, span.laterMs, basisOf(lock, statementLocks), span.laterStatements);
}
function basisOf(lock, statementLocks) {
  const own = [...statementLocks].reverse().find((l) => l.relation === lock.relation && l.work)?.work;
  if (own?.basis) return own.basis;
  const largest = statementLocks.reduce((most, l) => l.work?.basis && l.work.ms > (most?.work?.ms ?? 0) ? l : most, null);
  return largest ? `${largest.relation}: ${largest.work.basis}` : null;
}
function holdEstimates(statements) {
  const spans = workSpans(statements);
  return statements.map((s, i) => {
    if (!s.locks.some((l) => l.work !== void 0)) return null;
    const holds = /* @__PURE__ */ new Map();
    for (const lock of s.locks) if (!lock.novelty) holds.set(lock, lockHold(lock, s.locks, spans[i]));
    return holds;
  });
}

// src/lint/work-ledger.ts
var WorkLedger = class {
  /** Per transaction, the statements that do work, in order (with their index in `statements`). */
  workers = /* @__PURE__ */ new Map();
  /** Every statement recorded, in order, and its index there. */
  statements = [];
  indexOf = /* @__PURE__ */ new Map();
  /** workSpans of the statements, computed once every transaction is complete (the first hold asked for). */
  spans = null;
  /** Per transaction, the relations already locked in a read- or write-blocking mode. */
  blockedIn = /* @__PURE__ */ new Map();
  firstBlocking = [];
  /** Records a statement's work; true when it takes a read- or write-blocking lock first in its transaction. */
  record(statement, place, effects, sizes) {
    const ops = effects.operations.map((e) => e.operation);
    let ms = 0;
    for (const lock of effects.locks) {
      lock.work = lockWork(lock, ops, effects.locks, sizes);
      ms += lock.work?.ms ?? 0;
    }
    const controlsTransaction = ops.some((o) => o.op === "transaction");
    const index = this.statements.length;
    this.indexOf.set(statement, index);
    this.statements.push({ transaction: place.transaction, controlsTransaction, locks: effects.locks });
    this.spans = null;
    if (place.transaction !== null && ms > 0) {
      const list2 = this.workers.get(place.transaction) ?? [];
      const work = [...effects.locks].filter((l) => l.work && l.work.ms > 0).map((l) => `${l.work.basis} (${l.relation})`).join(", ");
      list2.push({ index, line: statement.startPos.line, ms, work });
      this.workers.set(place.transaction, list2);
    }
    let first = false;
    const seen = place.transaction === null ? /* @__PURE__ */ new Set() : this.blockedIn.get(place.transaction) ?? /* @__PURE__ */ new Set();
    if (place.transaction !== null) this.blockedIn.set(place.transaction, seen);
    for (const lock of effects.locks) {
      if (lock.newInTransaction || !blocksReadsOrWrites(lock.mode) || seen.has(lock.key)) continue;
      seen.add(lock.key);
      this.firstBlocking.push({ statement, lock });
      first = true;
    }
    return first;
  }
  /** A lock's hold time (src/cost/hold.ts): its statement's work plus the work of every later statement of its transaction. */
  hold(statement, relation2) {
    const index = this.indexOf.get(statement);
    if (index === void 0) return null;
    const { locks } = this.statements[index];
    const lock = [...locks].reverse().find((l) => l.relation === relation2);
    if (!lock) return null;
    this.spans ??= workSpans(this.statements);
    return lockHold(lock, locks, this.spans[index]);
  }
  /** The statements whose work makes a lock taken at this statement last: it and the later ones, longest first (at most three). */
  responsible(statement) {
    const index = this.indexOf.get(statement);
    const transaction2 = index === void 0 ? null : this.statements[index].transaction;
    if (transaction2 === null) return [];
    return (this.workers.get(transaction2) ?? []).filter((w) => w.index >= index).sort((a, b) => b.ms - a.ms).slice(0, 3).map(({ line, work }) => ({ line, work }));
  }
  estimateFindings(findings, statementOf) {
    for (const finding of findings) {
      const statement = statementOf(finding);
      if (!statement) continue;
      for (const lock of finding.locks) {
        const estimate = lock.new ? null : this.hold(statement, lock.relation);
        if (estimate) lock.estimate = estimate;
      }
    }
  }
  /** Each read- or write-blocking lock, at the statement that first took it in its transaction, with its estimate. */
  blockingLocks() {
    return this.firstBlocking.map(({ statement, lock }) => {
      const fact2 = lockFact2(lock);
      const estimate = this.hold(statement, lock.relation);
      if (estimate) fact2.estimate = estimate;
      return { statement, lock: fact2 };
    });
  }
};
var SHORT_MS = 1e3;
var LONG_MS = 1e4;
function scaleSeverity(findings, rules) {
  const durationRules = new Set(rules.filter((r) => r.durationHazard).map((r) => r.id));
  for (const finding of findings) {
    if (!durationRules.has(finding.rule)) continue;
    const estimates = finding.locks.filter((l) => !l.new).map((l) => "qualitative" in l.estimate ? null : l.estimate);
    if (estimates.length === 0 || estimates.some((e) => e === null)) continue;
    const longest = estimates.reduce((most, e) => Math.max(most, e.highMs), 0);
    if (finding.severity === "error" && longest < SHORT_MS) {
      finding.severity = "warning";
      finding.message += ` (with the given table sizes: under ${SHORT_MS / 1e3} s)`;
    } else if (finding.severity === "warning" && longest >= LONG_MS) {
      finding.severity = "error";
      finding.message += ` (with the given table sizes: up to ${formatDuration(longest)})`;
    }
  }
}

// src/lint/statement-places.ts
var StatementPlaces = class {
  constructor(locator) {
    this.locator = locator;
  }
  locator;
  byStart = /* @__PURE__ */ new Map();
  byLine = /* @__PURE__ */ new Map();
  /** Locates a statement; call for each statement of the file, in order (the locator claims op.* calls in that order). */
  add(statement) {
    if (!this.locator) return;
    const location = this.locator.statement(statement);
    this.byStart.set(`${statement.line}:${statement.column}`, location);
    if (!this.byLine.has(statement.line)) this.byLine.set(statement.line, location);
  }
  /** A revision marker (`-- Running upgrade A -> B`) at this line: cited as the migration function it starts. */
  addBoundary(revision) {
    if (this.locator && !this.byLine.has(revision.line)) this.byLine.set(revision.line, this.locator.step(revision));
  }
  /** A place a rule knew (report.migration), shown as the located ones are. */
  shown(location) {
    return this.locator ? this.locator.shown(location) : location;
  }
  /** The migration place of the statement starting here, if known. */
  of(line, column2) {
    return this.byStart.get(`${line}:${column2}`);
  }
  /** A comment's place (a finding about it): the migration function it was printed by. */
  locate(comment2) {
    return this.locator?.statement(comment2);
  }
  /** The statement (or revision marker) that starts at this line of the file, as a message names it. */
  describe(line) {
    return describePlace(line, this.byLine.get(line));
  }
};
function describePlace(line, location) {
  if (!location) return `line ${line}`;
  return `${location.file}:${location.line}${location.call ? ` (${location.call})` : ""}`;
}

// src/lint/analyze.ts
function analyze(files, options) {
  const schema = new Schema();
  const counter = { next: 1 };
  const seen = /* @__PURE__ */ new Map();
  const analysis = { files: files.length, statements: 0, findings: [], internalErrors: [], unmodelled: [], analyzed: [], revisions: /* @__PURE__ */ new Set() };
  for (const file of options.startingSchema ?? []) replaySchema(file, schema, analysis.internalErrors);
  for (const [fileIndex, file] of files.entries()) {
    const parsed = parseFile(file);
    const tracker = new ScriptTracker(fileIndex, counter, options.range, options.assumeInTransaction);
    const session = new Session();
    let openedBy = null;
    let ignores = [];
    const held = new HeldLocks(true);
    const heldInTransaction = new HeldLocks(false);
    const deferred = new UnitEndChecks();
    const ledger = options.sizes ? new WorkLedger() : null;
    const blockingStates = /* @__PURE__ */ new Map();
    const rollsBack = /\bROLLBACK\b/i.test(file.text);
    let beforeTransaction = null;
    const firstFinding = analysis.findings.length;
    const findingsAbout = [];
    const places = new StatementPlaces(options.locate);
    const ruleStates = /* @__PURE__ */ new Map();
    for (const batch of parsed.batches()) {
      for (const item of batch) {
        if (item.kind === "comment") {
          tracker.onComment(item.comment.body, item.comment.position.line);
          const marker = tracker.currentRevision;
          if (marker?.line === item.comment.position.line) places.addBoundary(marker);
          if (tracker.reported) commentSeen(options, places, file.path, item.comment, tracker.currentRevision, analysis.findings, analysis.internalErrors);
          const ignore = parseIgnore(item.comment.body, item.comment.position);
          if (ignore) ignores.push(ignore);
          continue;
        }
        const statement = item.statement;
        const operations = statement.operations;
        analysis.statements++;
        const place = tracker.place(statement.index, operations);
        if (!place.bookkeeping) places.add({ file: file.path, sql: statement.sql, revision: place.revision, ...statement.startPos });
        deferred.enter(place.unit.label === "statement" ? null : place.unit.key);
        if (rollsBack && place.transaction !== null && place.transactionBefore === null) beforeTransaction = schema.snapshot();
        const utcSession = isUtcZone(session.get("timezone", place) ?? "");
        const { effects, failed: failed2 } = evaluate(statement, operations, schema, { pgVersion: options.pgVersion, place, utcSession });
        if (failed2 !== null) analysis.internalErrors.push(internalErrorAt(statement, failed2));
        const blocking = ledger?.record(statement, place, effects, options.sizes) ?? false;
        const state = {
          statement,
          effects,
          place,
          session,
          lines: parsed.lines,
          seen,
          held: held.before(place),
          heldInTransaction: heldInTransaction.before(place),
          schema,
          deferred,
          findingsAbout,
          internalErrors: analysis.internalErrors,
          places,
          ruleStates
        };
        if (blocking && !place.bookkeeping && place.reported) blockingStates.set(statement, state);
        if (place.transaction !== null && place.transactionBefore === null) openedBy = state;
        if (options.keepStatements && place.reported && (!place.bookkeeping || options.keepBookkeeping)) analysis.analyzed.push({ statement, place, effects });
        if (!place.bookkeeping && place.reported) {
          const from = analysis.findings.length;
          if (effects.failure) notAnalysed(state, effects.failure, analysis.findings);
          if (failed2 !== null) internalError(state, failed2, analysis.findings);
          const unmodelled = unmodelledIn(operations);
          if (unmodelled !== null)
            analysis.unmodelled.push({ file: file.path, line: statement.startPos.line, column: statement.startPos.column, what: unmodelled });
          runRules(options, state, analysis.findings);
          if (ignores.length) reportUnused(applyIgnores(analysis.findings, from, ignores), options, state, analysis.findings);
        }
        ignores = [];
        for (const o of operations) if (o.op === "set") session.set(o.name, o.value, o.local, place);
        held.after(statement, place, effects);
        heldInTransaction.after(statement, place, effects);
        const ending = operations.find((o) => o.op === "transaction" && (o.kind === "commit" || o.kind === "rollback"));
        if (ending?.op === "transaction" && beforeTransaction) {
          if (ending.kind === "rollback") schema.restore(beforeTransaction);
          beforeTransaction = null;
        }
      }
    }
    deferred.end();
    for (const id of tracker.seen) analysis.revisions.add(id);
    if (tracker.openTransaction !== null && openedBy?.place.reported) unclosedTransaction(options, openedBy, analysis.findings);
    if (ledger) {
      const fileFindings = analysis.findings.slice(firstFinding);
      for (const { finding, statement } of findingsAbout) ledger.estimateFindings([finding], () => statement);
      scaleSeverity(fileFindings, options.rules);
      for (const held2 of ledger.blockingLocks()) {
        const state = blockingStates.get(held2.statement);
        if (state) lockEstimated(options, state, held2.lock, () => ledger.responsible(held2.statement), analysis.findings);
      }
    }
  }
  const fileOrder = new Map(files.map((f, i) => [f.path, i]));
  analysis.findings.sort(
    (a, b) => fileOrder.get(a.file) - fileOrder.get(b.file) || a.statementLine - b.statementLine || a.statementColumn - b.statementColumn
  );
  return analysis;
}
function replaySchema(file, schema, internalErrors) {
  const origin = { unit: `starting schema ${file.path}`, transaction: null };
  for (const batch of parseFile(file).batches()) {
    for (const item of batch) {
      if (item.kind === "comment") continue;
      try {
        for (const operation of item.statement.operations) applyOperation(schema, operation, origin);
      } catch (error) {
        internalErrors.push(internalErrorAt(item.statement, `replaying it failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  }
}
function evaluate(statement, operations, schema, ctx) {
  const effectsContext = {
    schema,
    pgVersion: ctx.pgVersion,
    unitKey: ctx.place.unit.key,
    unitLabel: ctx.place.unit.label,
    transaction: ctx.place.transaction,
    utcSession: ctx.utcSession
  };
  const origin = { unit: ctx.place.unit.key, transaction: ctx.place.transaction };
  const reason = transactionRequirement(operations, ctx.pgVersion);
  const result2 = {
    operations: [],
    locks: [],
    transactional: reason === null,
    nonTransactionalReason: reason,
    analysed: statement.syntaxError === null && operations.length > 0 && !operations.some((o) => o.op === "unknown")
  };
  let failed2 = null;
  for (const operation of operations) {
    if (operation.op === "unknown" && operation.failure) result2.failure ??= operation.failure;
    try {
      result2.operations.push(operationEffect(operation, effectsContext));
      applyOperation(schema, operation, origin);
    } catch (error) {
      result2.analysed = false;
      failed2 ??= `working out its ${operation.op} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  result2.locks = mergeLocks(result2.operations);
  return { effects: result2, failed: failed2 };
}
function internalErrorAt(statement, message) {
  return { file: statement.file.path, line: statement.startPos.line, column: statement.startPos.column, sql: statement.sql, message };
}
function unmodelledIn(operations) {
  const what = new Set(operations.flatMap((o) => o.op === "unknown" ? [o.what] : []));
  return what.size > 0 ? [...what].join("; ") : null;
}

// src/lint/timeline.ts
var SLOW_LISTED = 3;
function buildTimelines(statements) {
  const timelines = [];
  const spans = workSpans(
    statements.map(({ place, effects }) => ({
      transaction: place.transaction,
      controlsTransaction: effects.operations.some((e) => e.operation.op === "transaction"),
      locks: effects.locks
    }))
  );
  let open2 = null;
  statements.forEach(({ statement, place, effects }, index) => {
    if (place.transaction === null) return;
    const point2 = { line: statement.startPos.line, revision: place.revision?.id ?? null };
    if (open2?.timeline.id !== place.transaction) {
      if (open2) close(open2, index - 1, null);
      open2 = {
        timeline: { id: place.transaction, file: statement.file.path, begin: point2, end: null, assumed: place.transactionAssumed, revisions: [], locks: [] },
        byKey: /* @__PURE__ */ new Map(),
        acquiredAt: [],
        slow: [],
        firstLocks: [],
        estimated: false
      };
      timelines.push(open2.timeline);
    }
    const { timeline, byKey, slow } = open2;
    if (effects.locks.some((l) => l.work !== void 0)) open2.estimated = true;
    const controls = statement.operations.length > 0 && statement.operations.every((o) => o.op === "transaction");
    if (point2.revision && !controls && timeline.revisions[timeline.revisions.length - 1] !== point2.revision) timeline.revisions.push(point2.revision);
    for (const lock of effects.locks) {
      if (lock.newInTransaction) continue;
      if (lock.rewrite || lock.scan) slow.push({ index, line: point2.line, relation: lock.relation, work: lock.rewrite ? "rewrite" : "scan" });
      const existing = byKey.get(lock.key);
      if (!existing) {
        const entry = {
          relation: lock.relation,
          mode: lock.mode,
          blocks: lock.blocks,
          acquired: point2,
          acquiredMode: lock.mode,
          strongestAt: null,
          released: null,
          heldDuring: 0,
          slowCount: 0,
          slowWhileHeld: [],
          estimate: null
        };
        byKey.set(lock.key, entry);
        timeline.locks.push(entry);
        open2.acquiredAt.push(index);
        open2.firstLocks.push({ lock, statementLocks: effects.locks, span: spans[index] });
      } else {
        if (stronger(existing.mode, lock.mode) !== existing.mode) {
          existing.mode = lock.mode;
          existing.strongestAt = point2;
        }
        existing.blocks = unionBlocked(existing.blocks, lock.blocks, blockedBy(existing.mode));
      }
    }
    if (endsTransaction(statement.operations)) {
      close(open2, index, point2);
      open2 = null;
    }
  });
  if (open2) close(open2, statements.length - 1, null);
  return timelines;
}
function close(open2, lastIndex, end) {
  open2.timeline.end = end;
  open2.timeline.locks.forEach((lock, i) => {
    const acquiredAt = open2.acquiredAt[i];
    lock.released = end;
    lock.heldDuring = lastIndex - acquiredAt - (end ? 1 : 0);
    const after = firstAfter(open2.slow, acquiredAt);
    lock.slowCount = open2.slow.length - after;
    lock.slowWhileHeld = open2.slow.slice(after, after + SLOW_LISTED).map(({ line, relation: relation2, work }) => ({ line, relation: relation2, work }));
    if (open2.estimated) {
      const first = open2.firstLocks[i];
      lock.estimate = lockHold(first.lock, first.statementLocks, first.span);
    }
  });
}
function firstAfter(slow, index) {
  let lo = 0;
  let hi = slow.length;
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (slow[mid].index <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function endsTransaction(operations) {
  return operations.some((o) => o.op === "transaction" && (o.kind === "commit" || o.kind === "rollback") && !o.chain);
}

// src/report/stream.ts
function joined(report) {
  let text2 = "";
  for (const chunk of report) text2 += chunk;
  return text2;
}
function* mapped(items, f) {
  for (const item of items) yield f(item);
}
function* joinLines(elements, escape) {
  let previous;
  for (const element of elements) {
    if (previous !== void 0) yield escape(previous + "\n");
    previous = element;
  }
  if (previous !== void 0) yield escape(previous);
}
function* batched(report, size = 64 * 1024) {
  let pending = "";
  for (const chunk of report) {
    pending += chunk;
    if (pending.length >= size) {
      yield pending;
      pending = "";
    }
  }
  if (pending) yield pending;
}
var JsonObject = class {
  constructor(members) {
    this.members = members;
  }
  members;
};
var JsonArray = class {
  constructor(items) {
    this.items = items;
  }
  items;
};
function* jsonReport(value) {
  yield* jsonChunks(value, "");
  yield "\n";
}
function* jsonChunks(value, indent) {
  const inner = indent + "  ";
  if (value instanceof JsonArray) {
    let first = true;
    for (const item of value.items) {
      yield `${first ? "[" : ","}
${inner}`;
      if (isJsonValue(item)) yield* jsonChunks(item, inner);
      else yield "null";
      first = false;
    }
    yield first ? "[]" : `
${indent}]`;
  } else if (value instanceof JsonObject) {
    let first = true;
    for (const [key, member] of Object.entries(value.members)) {
      if (!isJsonValue(member)) continue;
      yield `${first ? "{" : ","}
${inner}${JSON.stringify(key)}: `;
      yield* jsonChunks(member, inner);
      first = false;
    }
    yield first ? "{}" : `
${indent}}`;
  } else {
    yield JSON.stringify(value, null, 2).replace(/\n/g, `
${indent}`);
  }
}
function isJsonValue(value) {
  return value !== void 0 && typeof value !== "function" && typeof value !== "symbol";
}
async function writeReport(stream, report) {
  for (const chunk of batched(report)) {
    if (stream.write(chunk) === false && stream.once) await drained(stream);
  }
}
function drained(stream) {
  return new Promise((resolve9) => {
    const done = () => {
      stream.off?.("drain", done);
      stream.off?.("close", done);
      resolve9();
    };
    stream.once("drain", done);
    stream.once("close", done);
  });
}

// src/report/github.ts
function* formatGithub(findings, summary) {
  yield* joinLines(annotations(findings, summary), visible);
  yield "\n";
}
function* annotations(findings, summary) {
  for (const f of findings) {
    const place = f.migration ? [`file=${property(f.migration.file)}`, `line=${f.migration.line}`, `col=${f.migration.column}`] : [`file=${property(f.file)}`, `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`];
    const properties = [...place, `title=${property(`locklint ${f.rule}`)}`].join(",");
    const lock = firstExistingLock(f);
    const revision = f.revision?.id ? ` (revision ${f.revision.id})` : "";
    const sqlPlace = f.migration ? `
SQL: ${f.file}:${f.line}: ${f.sql}` : "";
    const body3 = `${f.message}${revision}${sqlPlace}${lock ? `
${describeLock(lock)}` : ""}
${f.help.text}${f.help.sql ? `
${f.help.sql}` : ""}`;
    yield `::${f.severity === "error" ? "error" : "warning"} ${properties}::${data(body3)}`;
  }
  yield `locklint: ${summary.errors} error${summary.errors === 1 ? "" : "s"}, ${summary.warnings} warning${summary.warnings === 1 ? "" : "s"} in ${summary.statements} statements`;
}
function data(text2) {
  return text2.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function property(text2) {
  return data(text2).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// src/report/locks-text.ts
var HEADERS = ["LINE", "REVISION", "TX", "STATEMENT", "RELATION", "LOCK", "BLOCKS", "WORK"];
var ESTIMATE_HEADER = "ESTIMATE";
function lockHolds(statements) {
  const holds = holdEstimates(
    statements.map(({ place, effects }) => ({
      transaction: place.transaction,
      controlsTransaction: effects.operations.some((e) => e.operation.op === "transaction"),
      locks: effects.locks
    }))
  );
  return new Map(statements.map((s, i) => [s, holds[i]]));
}
var SQL_WIDTH = 52;
function* formatLocksText(statements, timelines, c) {
  yield* joinLines(locksLines(statements, timelines, c), visibleReturns);
  yield "\n";
}
function* locksLines(statements, timelines, c) {
  const byFile = /* @__PURE__ */ new Map();
  for (const s of statements) {
    const list2 = byFile.get(s.statement.file.path) ?? [];
    list2.push(s);
    byFile.set(s.statement.file.path, list2);
  }
  const holds = lockHolds(statements);
  const estimated = [...holds.values()].some((h) => h !== null);
  for (const [file, list2] of byFile) {
    const rows = [];
    for (const analysed of list2) {
      const { statement, place, effects } = analysed;
      const first = [
        String(statement.startPos.line),
        place.revision?.id ? place.revision.id + (place.revision.direction === "downgrade" ? " (down)" : "") : "-",
        place.transaction === null ? "-" : String(place.transaction),
        oneLine(statement.sql, SQL_WIDTH)
      ];
      const blank = ["", "", "", ""];
      if (statement.syntaxError) {
        rows.push([...first, "-", "syntax error", "-", "-", ...estimated ? ["-"] : []]);
        continue;
      }
      const shown = [...effects.locks, ...objectLocksOf(effects)];
      if (shown.length === 0) {
        const note = !effects.analysed ? "not analysed" : !effects.transactional ? "no transaction block" : "-";
        rows.push([...first, "-", "-", "-", note, ...estimated ? ["-"] : []]);
        continue;
      }
      shown.forEach((lock, i) => {
        const work = [
          lock.rewrite ? "rewrite" : lock.scan ? "scan" : "",
          lock.novelty ? "new" : "",
          i === 0 && !effects.transactional ? "no transaction block" : ""
        ].filter(Boolean).join(", ");
        const hold = holds.get(analysed)?.get(lock);
        const estimate = estimated ? [hold ? describeHold(hold).replace(/^held /, "") : "-"] : [];
        const relation2 = lock.kind === "type" ? `type ${lock.relation}` : lock.relation;
        rows.push([...i === 0 ? first : blank, relation2, lock.mode, lock.blocks.join(", ") || "-", work || "-", ...estimate]);
      });
    }
    yield c.bold(visible(file));
    yield* formatTable(estimated ? [...HEADERS, ESTIMATE_HEADER] : [...HEADERS], rows, c);
    yield "";
    yield* formatTimelines(
      timelines.filter((t) => t.file === file && t.locks.length > 0),
      c
    );
  }
  yield `${statements.length} statement${statements.length === 1 ? "" : "s"} (alembic version-table bookkeeping omitted)`;
}
var TIMELINE_HEADERS = ["RELATION", "LOCK", "BLOCKS", "TAKEN", "RELEASED", "HELD WHILE"];
var ESTIMATED_HEADERS = ["RELATION", "LOCK", "BLOCKS", "TAKEN", "RELEASED", "ESTIMATE", "HELD WHILE"];
function* formatTimelines(timelines, c) {
  for (const t of timelines) {
    const span = `lines ${t.begin.line}-${t.end ? t.end.line : t.assumed ? "end of file (committed there: --assume-in-transaction)" : "end of file (never committed)"}`;
    const revisions = t.revisions.length === 0 ? "" : t.revisions.length === 1 ? `, revision ${t.revisions[0]}` : `, ${t.revisions.length} revisions (${t.revisions[0]} to ${t.revisions[t.revisions.length - 1]}) in one transaction`;
    yield c.bold(visible(`Transaction ${t.id}, ${span}${revisions}: locks held until it ends`));
    const estimated = t.locks.some((l) => l.estimate);
    const rows = t.locks.map((l) => [
      l.relation,
      l.mode,
      l.blocks.join(", ") || "-",
      taken(l),
      l.released ? `line ${l.released.line}` : t.assumed ? "end of file" : "never",
      ...estimated ? [l.estimate ? describeHold(l.estimate).replace(/^held /, "") : "-"] : [],
      heldWhile(l)
    ]);
    for (const line of formatTable(estimated ? ESTIMATED_HEADERS : TIMELINE_HEADERS, rows, c)) yield `  ${line}`;
    yield "";
  }
}
function point(p) {
  return `line ${p.line}${p.revision ? ` (${p.revision})` : ""}`;
}
function taken(lock) {
  return lock.strongestAt ? `${point(lock.acquired)} ${lock.acquiredMode}, ${lock.mode} from ${point(lock.strongestAt)}` : point(lock.acquired);
}
function heldWhile(lock) {
  if (lock.heldDuring === 0) return "-";
  const slow = lock.slowWhileHeld.map((s) => `line ${s.line} ${s.work === "rewrite" ? "rewrites" : "scans"} ${s.relation}`);
  const more = lock.slowCount > slow.length ? `, ${lock.slowCount - slow.length} more` : "";
  return `${plural(lock.heldDuring, "statement")}${slow.length ? `: ${slow.join(", ")}${more}` : ""}`;
}
function* formatTable(headers, rawRows, c) {
  const rows = rawRows.map((r) => r.map(visible));
  const widths = headers.map((h, i) => rows.reduce((widest, r) => Math.max(widest, Array.from(r[i] ?? "").length), h.length));
  const render = (cells) => cells.map((cell2, i) => i === cells.length - 1 ? cell2 : cell2 + " ".repeat(widths[i] - Array.from(cell2).length)).join("  ").trimEnd();
  yield c.dim(render(headers));
  yield* mapped(rows, render);
}

// src/report/json.ts
function jsonLock(lock) {
  return {
    relation: lock.relation,
    kind: lock.kind,
    mode: lock.mode,
    blocks: lock.blocks,
    rewrite: lock.rewrite,
    scan: lock.scan,
    new: lock.new,
    why: lock.why,
    estimate: lock.estimate
  };
}
function jsonFinding(f) {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    help: f.help.text,
    suggestion: { sql: f.help.sql ?? null, alembic: f.help.alembic ?? null },
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    revision: f.revision?.id ?? null,
    revisionFrom: f.revision?.from ?? null,
    direction: f.revision?.direction ?? null,
    sql: f.sql,
    migration: f.migration ?? null,
    locks: f.locks.map(jsonLock)
  };
}
function formatFindingsJson(findings, summary, unmodelled = []) {
  const shown = unmodelled.length > 0 ? { unmodelled } : {};
  return jsonReport(new JsonObject({ findings: new JsonArray(mapped(findings, jsonFinding)), summary, ...shown }));
}
function jsonStatement({ statement, place, effects }, holds) {
  const unmodelled = unmodelledIn(statement.operations);
  return {
    file: statement.file.path,
    line: statement.startPos.line,
    column: statement.startPos.column,
    endLine: statement.endPos.line,
    endColumn: statement.endPos.column,
    revision: place.revision?.id ?? null,
    revisionFrom: place.revision?.from ?? null,
    direction: place.revision?.direction ?? null,
    transaction: place.transaction,
    sql: statement.sql,
    transactional: effects.transactional,
    analysed: effects.analysed,
    syntaxError: statement.syntaxError?.message ?? null,
    // only on a statement locklint does not model: every other statement's JSON stays as it was
    ...unmodelled === null ? {} : { unmodelled },
    // with --stats, each lock's hold time as lint estimates it; without, in words
    // relations, then other objects (kind "type": an enum type's lock)
    locks: [...effects.locks, ...objectLocksOf(effects)].map((l) => {
      const fact2 = lockFact2(l);
      const hold = holds?.get(l);
      if (hold) fact2.estimate = hold;
      return jsonLock(fact2);
    })
  };
}
function formatLocksJson(statements, timelines) {
  const holds = lockHolds(statements);
  const body3 = new JsonObject({
    statements: new JsonArray(mapped(statements, (s) => jsonStatement(s, holds.get(s) ?? null))),
    transactions: new JsonArray(
      mapped(timelines, (t) => ({
        id: t.id,
        file: t.file,
        begin: t.begin,
        end: t.end,
        revisions: t.revisions,
        locks: t.locks
      }))
    )
  });
  return jsonReport(body3);
}

// src/report/markdown.ts
function* formatMarkdown(findings, summary, timelines) {
  yield* joinLines(markdownLines(findings, summary, timelines), visibleText);
}
function* markdownLines(findings, summary, timelines) {
  yield* [`## locklint: ${count(summary.errors, "error")}, ${count(summary.warnings, "warning")} in ${count(summary.statements, "statement")}`, ""];
  if (findings.length === 0) yield* ["No finding.", ""];
  const byRevision = /* @__PURE__ */ new Map();
  for (const f of findings) {
    const key = describeRevision(f.revision) ?? "(no revision)";
    const list2 = byRevision.get(key);
    if (list2) list2.push(f);
    else byRevision.set(key, [f]);
  }
  for (const [revision, list2] of byRevision) {
    yield* [`### Revision ${revision}`, "", "| | rule | where | finding | lock |", "| --- | --- | --- | --- | --- |"];
    for (const f of list2) {
      const lock = firstExistingLock(f);
      yield `| ${f.severity === "error" ? "\u{1F534} error" : "\u{1F7E1} warning"} | \`${f.rule}\` | ${cell(f.migration ? `${describeMigration(f.migration)} (SQL ${f.file}:${f.line})` : `${f.file}:${f.line}`)} | ${cell(f.message)} | ${lock ? cell(describeLock(lock)) : ""} |`;
    }
    yield "";
    for (const f of list2.filter((x) => x.help.sql || x.help.alembic)) {
      yield* [`<details><summary>${cell(`${f.rule} at line ${f.line}: the safe way`)}</summary>`, "", cell(f.help.text), ""];
      if (f.help.sql) yield* ["```sql", f.help.sql, "```", ""];
      if (f.help.alembic) yield* ["```python", f.help.alembic, "```", ""];
      yield* ["</details>", ""];
    }
  }
  const withLocks = timelines.filter((t) => t.locks.length > 0);
  if (withLocks.length > 0) {
    yield* ["### Lock timeline", "", "Locks on existing tables, held until their transaction ends.", ""];
    yield* ["| transaction | table | lock | blocks | taken | released | held |", "| --- | --- | --- | --- | --- | --- | --- |"];
    for (const t of withLocks) {
      for (const l of t.locks) {
        const held = l.estimate ? describeHold(l.estimate).replace(/^held /, "") : l.heldDuring ? count(l.heldDuring, "statement") : "-";
        yield `| ${t.id} (lines ${t.begin.line}-${t.end?.line ?? "end"}) | ${cell(l.relation)} | ${l.mode} | ${l.blocks.join(", ") || "-"} | line ${l.acquired.line} | ${l.released ? `line ${l.released.line}` : t.assumed ? "end of file" : "never"} | ${cell(held)} |`;
      }
    }
    yield "";
  }
}
function count(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function cell(text2) {
  return text2.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

// src/report/sarif.ts
import { isAbsolute as isAbsolute3 } from "node:path";
import { pathToFileURL } from "node:url";
function formatSarif(findings, rules, version) {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log = new JsonObject({
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: new JsonArray([
      new JsonObject({
        tool: { driver: { name: "locklint", version, semanticVersion: version, rules: rules.map(ruleDescriptor) } },
        columnKind: "unicodeCodePoints",
        results: new JsonArray(mapped(findings, (f) => result(f, index.get(f.rule))))
      })
    ])
  });
  return jsonReport(log);
}
function ruleDescriptor(rule) {
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    help: {
      text: `${rule.summary}

Instead:
${rule.docs.useInstead}`,
      markdown: `${rule.docs.why}

**Instead:**

\`\`\`sql
${rule.docs.useInstead}
\`\`\`

**In alembic:**

\`\`\`python
${rule.docs.alembic}
\`\`\``
    },
    defaultConfiguration: { level: rule.severity, enabled: !rule.optional },
    properties: { tags: ["postgresql", "migration", rule.durationHazard ? "lock-duration" : "lock"] }
  };
}
function result(f, ruleIndex) {
  const lock = firstExistingLock(f);
  const help = [f.help.text, f.help.sql, f.help.alembic ? `In alembic: ${f.help.alembic}` : void 0].filter(Boolean).join("\n");
  return {
    ruleId: f.rule,
    ...ruleIndex === void 0 ? {} : { ruleIndex },
    level: f.severity,
    message: { text: `${f.message}${lock ? `
${describeLock(lock)}` : ""}
${help}` },
    // the migration file first when it is known (code scanning shows the first location), then the SQL
    locations: [
      ...f.migration ? [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.migration.file) },
            region: { startLine: f.migration.line, startColumn: f.migration.column }
          },
          message: { text: f.migration.call ?? "migration function" }
        }
      ] : [],
      { physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, ...sqlRegions(f) } }
    ],
    properties: {
      revision: f.revision?.id ?? null,
      locks: f.locks.map((l) => ({ relation: l.relation, mode: l.mode, blocks: l.blocks, rewrite: l.rewrite, scan: l.scan, new: l.new !== null }))
    }
  };
}
function sqlRegions(f) {
  const sql = f.sql;
  if (sql.length === 0) return { region: { startLine: f.line, startColumn: f.column } };
  let line = f.statementLine;
  let column2 = f.statementColumn;
  let at2 = null;
  for (let i = 0; i < sql.length; ) {
    if (!at2 && line === f.line && column2 === f.column) at2 = { index: i, line, column: column2 };
    const code = sql.codePointAt(i);
    if (code === 10 || code === 13) {
      i += code === 13 && sql.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      column2 = 1;
    } else {
      i += code > 65535 ? 2 : 1;
      column2++;
    }
  }
  const end = { endLine: line, endColumn: column2 };
  const whole = { startLine: f.statementLine, startColumn: f.statementColumn, ...end, snippet: { text: sql } };
  if (!at2 || at2.index === 0) return { region: whole };
  return { region: { startLine: at2.line, startColumn: at2.column, ...end, snippet: { text: sql.slice(at2.index) } }, contextRegion: whole };
}
function artifactUri(file) {
  if (file.startsWith("<") && file.endsWith(">")) return encodeURIComponent(file.slice(1, -1));
  if (isAbsolute3(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

// src/report/text.ts
function summarize(findings, files, statements) {
  return {
    files,
    statements,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length
  };
}
function formatText(findings, summary, c) {
  return joined(textReport(findings, summary, c));
}
function* textReport(findings, summary, c, unmodelled = []) {
  yield* joinLines(textLines(findings, summary, c, unmodelled), visibleReturns);
  yield "\n";
}
function* unmodelledLines(unmodelled, c) {
  for (const u of unmodelled) {
    const shown = visibleData(u);
    yield `${c.bold(`${shown.file}:${shown.line}:${shown.column}`)}  ${c.dim("not modelled:")} ${shown.what}`;
  }
}
function* unmodelledReport(unmodelled, c) {
  if (unmodelled.length === 0) return;
  yield* joinLines(["", ...unmodelledLines(unmodelled, c)], visibleReturns);
  yield "\n";
}
function* textLines(findings, summary, c, unmodelled) {
  for (const found of findings) {
    const f = visibleData(found);
    const severity = f.severity === "error" ? c.red(c.bold("error")) : c.yellow(c.bold("warning"));
    const place = f.migration ? `${f.migration.file}:${f.migration.line}:${f.migration.column}` : `${f.file}:${f.line}:${f.column}`;
    yield `${c.bold(place)}  ${severity}  ${c.cyan(f.rule)}`;
    yield `  ${f.message}`;
    if (f.migration) yield `  ${c.dim("sql:")} ${f.file}:${f.line}:${f.column}${f.migration.call ? ` (from ${f.migration.call})` : ""}`;
    yield* excerpt(f, c);
    for (const lock of f.locks) yield `  ${c.dim("lock:")} ${describeLock(lock)}`;
    const revision = describeRevision(f.revision);
    if (revision) yield `  ${c.dim("revision:")} ${revision}`;
    yield `  ${c.green("help:")} ${f.help.text}`;
    if (f.help.sql) yield* labelled("SQL:", f.help.sql, c);
    if (f.help.alembic) yield* labelled("alembic:", f.help.alembic, c);
    yield "";
  }
  if (unmodelled.length > 0) {
    yield* unmodelledLines(unmodelled, c);
    yield "";
  }
  const counts = `${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}`;
  const scope = `${plural(summary.statements, "statement")} in ${plural(summary.files, "file")}`;
  const verdict = summary.errors + summary.warnings === 0 ? c.green("no findings") : summary.errors > 0 ? c.red(counts) : c.yellow(counts);
  yield `${scope}: ${verdict}`;
}
function labelled(label, body3, c) {
  const pad = " ".repeat(label.length + 1);
  return body3.split("\n").map((line, i) => `    ${i === 0 ? c.dim(label) + " " : pad}${line}`);
}
var MAX_WIDTH = 160;
function excerpt(f, c) {
  const lines = f.sql.split(/\r\n|\n|\r/);
  const at2 = f.line - f.statementLine;
  const width = String(f.statementLine + lines.length).length;
  const gutter = (n) => c.dim(`${String(n).padStart(width)} | `);
  const text2 = (i) => {
    const prefix = i === 0 ? " ".repeat(Math.max(0, f.statementColumn - 1)) : "";
    return truncate2(prefix + (lines[i] ?? ""));
  };
  const out = [];
  if (at2 > 0) out.push(`    ${gutter(f.statementLine)}${text2(0)}`);
  if (at2 > 1) out.push(`    ${gutter("")}${c.dim("...")}`);
  const shown = text2(Math.min(at2, lines.length - 1));
  out.push(`    ${gutter(f.line)}${shown}`);
  const chars = Array.from(shown);
  const start = Math.min(f.column - 1, chars.length);
  let end = f.line === f.endLine ? Math.min(f.endColumn - 1, chars.length) : chars.length;
  while (end > start + 1 && /\s/.test(chars[end - 1])) end--;
  out.push(`    ${gutter("")}${" ".repeat(start)}${c.red("^".repeat(Math.max(1, end - start)))}`);
  if (at2 < lines.length - 1) out.push(`    ${gutter("")}${c.dim(`... ${plural(lines.length - 1 - at2, "more line")}`)}`);
  return out;
}
function truncate2(line) {
  const chars = Array.from(line);
  return chars.length > MAX_WIDTH ? `${chars.slice(0, MAX_WIDTH - 1).join("")}\u2026` : line;
}

// src/trace/database.ts
var TraceStopped = class extends UsageError {
};
async function embeddedDatabase(timeouts = DEFAULT_TIMEOUTS) {
  const { Worker } = await import("node:worker_threads");
  const pglite = resolvePGlite();
  const extensions = EMBEDDED_EXTENSIONS.map((name) => [name, import.meta.resolve(`@electric-sql/pglite/contrib/${name}`)]);
  const worker = new Worker(EMBEDDED_WORKER, { eval: true, workerData: { pglite, extensions } });
  worker.unref();
  let next = 0;
  const pending = /* @__PURE__ */ new Map();
  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on("message", (m) => {
    const waiting = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== void 0) waiting?.reject(new Error(m.error));
    else waiting?.resolve(m.rows ?? []);
  });
  let gone = null;
  const stop2 = (error) => {
    gone ??= error;
    failAll(gone);
  };
  worker.on("error", (error) => stop2(new TraceStopped(`the embedded PostgreSQL failed: ${error.message}`)));
  worker.on("exit", () => stop2(new TraceStopped("the embedded PostgreSQL stopped")));
  const overdue = `the statement ran longer than ${showDuration(timeouts.statementMs)} (--statement-timeout changes it); the embedded database was stopped`;
  const call = (sql, params, limitMs = timeouts.statementMs, late = overdue) => new Promise((resolve9, reject) => {
    if (gone) return reject(gone);
    const id = next++;
    const timer = setTimeout(() => {
      stop2(new TraceStopped(late));
      void worker.terminate();
    }, limitMs);
    pending.set(id, {
      resolve: (rows) => (clearTimeout(timer), resolve9(rows)),
      reject: (error) => (clearTimeout(timer), reject(error))
    });
    worker.postMessage({ id, sql, params });
  });
  await call("", void 0, START_MS, `the embedded PostgreSQL did not start within ${showDuration(START_MS)}`).catch(async (error) => {
    await worker.terminate();
    throw error instanceof UsageError ? error : new UsageError(`the embedded PostgreSQL did not start: ${error.message}`);
  });
  return {
    server: false,
    exec: async (sql) => {
      await call(sql);
    },
    query: async (sql, params) => ({ rows: await call(sql, params ?? []) }),
    close: async () => {
      await worker.terminate();
    }
  };
}
var START_MS = 12e4;
var EMBEDDED_EXTENSIONS = ["citext", "pg_trgm", "uuid_ossp", "pgcrypto", "hstore", "btree_gin", "btree_gist", "ltree", "unaccent", "fuzzystrmatch"];
var EMBEDDED_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const started = Promise.all([
  import(workerData.pglite),
  ...workerData.extensions.map(([name, url]) => import(url).then((module) => [name, module[name]])),
]).then(([{ PGlite }, ...extensions]) => PGlite.create({ extensions: Object.fromEntries(extensions) }));
parentPort.on("message", async ({ id, sql, params }) => {
  try {
    const db = await started;
    const rows = sql === "" ? [] : params ? (await db.query(sql, params)).rows : (await db.exec(sql), []);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;
var PGLITE_PACKAGE = "@electric-sql/pglite@0.5.14";
function resolvePGlite() {
  try {
    return import.meta.resolve("@electric-sql/pglite");
  } catch (error) {
    const missing = error.code === "ERR_MODULE_NOT_FOUND" && String(error).includes("@electric-sql/pglite");
    if (!missing) throw error;
    throw new UsageError(
      `trace needs the embedded PostgreSQL (PGlite), which this install of locklint does not include: npm install ${PGLITE_PACKAGE} beside it (the Python package ships it), or trace on a server with --db-url`
    );
  }
}
async function serverDatabase(url, timeouts = DEFAULT_TIMEOUTS) {
  const client = await connect(url, "locklint trace", timeouts);
  const clean = (error) => {
    const timeout = timeoutMessage(error, timeouts);
    return timeout ? new TraceStopped(timeout) : new Error(scrub(error instanceof Error ? error.message : String(error), url));
  };
  return {
    server: true,
    exec: async (sql) => {
      await client.query(sql).catch((e) => {
        throw clean(e);
      });
    },
    query: async (sql, params) => {
      const result2 = await client.query(sql, params).catch((e) => {
        throw clean(e);
      });
      return { rows: result2.rows };
    },
    close: () => client.end()
  };
}

// src/trace/introspect.ts
async function schemaAsSql(db) {
  const user = "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";
  const name = "CASE WHEN n.nspname = 'public' THEN quote_ident(c.relname) ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END";
  const out = [];
  const enums = await db.query(
    `SELECT CASE WHEN n.nspname = 'public' THEN quote_ident(t.typname) ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END AS name,
            array_agg(quote_literal(e.enumlabel) ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE ${user} GROUP BY n.nspname, t.typname`
  );
  for (const e of enums.rows) out.push(`CREATE TYPE ${e.name} AS ENUM (${e.labels.join(", ")});`);
  const columns = await db.query(
    `SELECT ${name} AS rel, c.relkind::text AS kind,
            array_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ORDER BY a.attnum)
              FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped) AS columns
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relkind IN ('r', 'p') AND ${user} GROUP BY c.oid, n.nspname, c.relname, c.relkind`
  );
  for (const t of columns.rows) out.push(`CREATE TABLE ${t.rel} (${(t.columns ?? []).join(", ")});`);
  const constraints = await db.query(
    `SELECT ${name} AS rel, quote_ident(k.conname) AS conname, pg_get_constraintdef(k.oid) AS def, k.convalidated AS validated
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${user} AND k.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY k.contype = 'f', k.conname`
  );
  for (const k of constraints.rows)
    out.push(`ALTER TABLE ${k.rel} ADD CONSTRAINT ${k.conname} ${k.def}${k.validated || / NOT VALID$/.test(k.def) ? "" : " NOT VALID"};`);
  const indexes = await db.query(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${user} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`
  );
  for (const i of indexes.rows) out.push(`${i.def};`);
  return out.join("\n") + "\n";
}

// src/cli/config.ts
import { lstatSync, readFileSync as readFileSync5 } from "node:fs";
import { basename, join as join5 } from "node:path";

// node_modules/smol-toml/dist/error.js
function getLineColFromPtr(string, ptr) {
  let lines = string.slice(0, ptr).split(/\r?\n/);
  return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column2) {
  let lines = string.split(/\r?\n/);
  let codeblock = "";
  let numberLen = (Math.log10(line + 1) | 0) + 1;
  for (let i = line - 1; i <= line + 1; i++) {
    let l = lines[i - 1];
    if (!l)
      continue;
    codeblock += i.toString().padEnd(numberLen, " ");
    codeblock += ":  ";
    codeblock += l;
    codeblock += "\n";
    if (i === line) {
      codeblock += " ".repeat(numberLen + column2 + 2);
      codeblock += "^\n";
    }
  }
  return codeblock;
}
var TomlError = class _TomlError extends Error {
  line;
  column;
  codeblock;
  constructor(message, options) {
    const [line, column2] = getLineColFromPtr(options.toml, options.ptr);
    const codeblock = makeCodeBlock(options.toml, line, column2);
    super(`Invalid TOML document: ${message}

${codeblock}`, options);
    this.line = line;
    this.column = column2;
    this.codeblock = codeblock;
  }
  /** @internal */
  static x(message, ctx, ptr) {
    throw new _TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
  }
};

// node_modules/smol-toml/dist/primitive.js
function parseString(ctx) {
  let startPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p++);
  let first = c;
  let isLiteral = c === 39;
  let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
  if (isMultiline) {
    if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 10)
      ctx.p++;
    else if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)
      ctx.p += 2;
  }
  let parsed = "";
  let sliceStart = ctx.p;
  let state = 0;
  for (; ctx.p < ctx.s.length; ctx.p++) {
    c = ctx.s.charCodeAt(ctx.p);
    if (isMultiline && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)) {
      state = state && 3;
    } else if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in strings", ctx);
    } else if ((!state || state === 3) && c === first && (!isMultiline || ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first)) {
      if (isMultiline) {
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
      }
      if (!state) {
        let s = ctx.s.slice(sliceStart, ctx.p);
        parsed = parsed ? parsed + s : s;
      }
      ctx.p += isMultiline ? 3 : 1;
      return parsed;
    } else if (!state) {
      if (!isLiteral && c === 92) {
        parsed += ctx.s.slice(sliceStart, sliceStart = ctx.p);
        state = 1;
      }
    } else if (state === 1) {
      if (c === 120 || c === 117 || c === 85) {
        let errPtr = ctx.p++ - 1;
        let value = 0;
        let len = c === 120 ? 2 : c === 117 ? 4 : 8;
        for (let j = 0; j < len; j++, ctx.p++) {
          let hex = ctx.s.charCodeAt(ctx.p);
          let digit = (
            /* 0-9 */
            hex >= 48 && hex <= 57 ? hex - 48 : (
              /* A-F */
              hex >= 65 && hex <= 70 ? hex - 65 + 10 : (
                /* a-f */
                hex >= 97 && hex <= 102 ? hex - 97 + 10 : -1
              )
            )
          );
          if (digit < 0)
            TomlError.x("invalid non-hex character in unicode escape", ctx);
          value = value << 4 | digit;
        }
        if (value < 0 || value > 1114111 || value >= 55296 && value <= 57343) {
          TomlError.x("invalid unicode escape", ctx, errPtr);
        }
        parsed += String.fromCodePoint(value);
        sliceStart = ctx.p--;
        state = 0;
      } else if (isMultiline && (c === 32 || c === 9)) {
        state = 2;
      } else {
        if (c === 98)
          parsed += "\b";
        else if (c === 116)
          parsed += "	";
        else if (c === 110)
          parsed += "\n";
        else if (c === 102)
          parsed += "\f";
        else if (c === 114)
          parsed += "\r";
        else if (c === 101)
          parsed += "\x1B";
        else if (c === 34)
          parsed += '"';
        else if (c === 92)
          parsed += "\\";
        else
          TomlError.x("unrecognised escape sequence", ctx);
        sliceStart = ctx.p + 1;
        state = 0;
      }
    } else if (c !== 32 && c !== 9) {
      if (state === 2)
        TomlError.x("invalid escape: only line-ending whitespace may be escaped", ctx, sliceStart);
      state = !isLiteral && c === 92 ? 1 : 0;
      sliceStart = ctx.p;
    }
  }
  TomlError.x("unfinished string", ctx, startPtr);
}

// node_modules/smol-toml/dist/date.js
var DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
var TomlDate = class _TomlDate extends Date {
  #hasDate = false;
  #hasTime = false;
  #offset = null;
  constructor(date, fasttype, unsafeDelim) {
    let hasDate = true;
    let hasTime = true;
    let offset = "Z";
    let c;
    if (typeof date === "string") {
      if (fasttype)
        prep: {
          if (fasttype < 3) {
            if (+date.slice(11, 13) > 23) {
              date = "";
              break prep;
            }
            if (fasttype === 2) {
              offset = null;
              date += "Z";
            } else if ((c = date.charCodeAt(date.length - 1)) !== 90 && c !== 122) {
              offset = date.slice(date.length - 6);
            }
            if (unsafeDelim)
              date = date.slice(0, 10) + "T" + date.slice(11);
          } else if (fasttype === 4) {
            date = +date.slice(0, 2) > 23 ? "" : `0000-01-01T${date}Z`;
          }
          hasDate = fasttype !== 4;
          hasTime = fasttype !== 3;
        }
      else {
        let match = date.match(DATE_TIME_RE);
        if (match) {
          if (!match[1]) {
            hasDate = false;
            date = `0000-01-01T${date}`;
          }
          hasTime = !!match[2];
          hasTime && date[10] === " " && (date = date.replace(" ", "T"));
          if (match[2] && +match[2] > 23) {
            date = "";
          } else {
            offset = match[3] || null;
            if (!offset && hasTime)
              date += "Z";
          }
        } else {
          date = "";
        }
      }
    }
    super(date);
    if (!isNaN(this.getTime())) {
      this.#hasDate = hasDate;
      this.#hasTime = hasTime;
      this.#offset = offset;
    }
  }
  isDateTime() {
    return this.#hasDate && this.#hasTime;
  }
  isLocal() {
    return !this.#hasDate || !this.#hasTime || !this.#offset;
  }
  isDate() {
    return this.#hasDate && !this.#hasTime;
  }
  isTime() {
    return this.#hasTime && !this.#hasDate;
  }
  isValid() {
    return this.#hasDate || this.#hasTime;
  }
  toISOString() {
    let iso = super.toISOString();
    if (this.isDate())
      return iso.slice(0, 10);
    if (this.isTime())
      return iso.slice(11, 23);
    if (this.#offset === null)
      return iso.slice(0, -1);
    if (this.#offset === "Z" || this.#offset === "z")
      return iso;
    let offset = +this.#offset.slice(1, 3) * 60 + +this.#offset.slice(4, 6);
    offset = this.#offset[0] === "-" ? offset : -offset;
    let offsetDate = new Date(this.getTime() - offset * 6e4);
    return offsetDate.toISOString().slice(0, -1) + this.#offset;
  }
  static wrapAsOffsetDateTime(jsDate, offset = "Z") {
    let date = new _TomlDate(jsDate);
    date.#offset = offset;
    return date;
  }
  static wrapAsLocalDateTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#offset = null;
    return date;
  }
  static wrapAsLocalDate(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasTime = false;
    date.#offset = null;
    return date;
  }
  static wrapAsLocalTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasDate = false;
    date.#offset = null;
    return date;
  }
};

// node_modules/smol-toml/dist/extract.js
function isDigit(char, base = 10) {
  return base === 16 ? char > 47 && char < 58 || char > 64 && char < 71 || char > 96 && char < 103 : char > 47 && char < 48 + base;
}
function isEndOfValue(char, delim) {
  return char === 32 || char === 9 || char === 10 || char === 13 || // Structure end or next value delimiter
  delim && (char === delim || char === 44) || // Comment
  char === 35;
}
function extractValue(ctx, end) {
  let errPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p);
  if (c === 91 || c === 123) {
    ctx.d-- || TomlError.x("document contains excessively nested structures. aborting.", ctx);
    let value = c === 91 ? parseArray(ctx) : parseInlineTable(ctx);
    ctx.d++;
    return value;
  }
  if (c === 34 || c === 39) {
    return parseString(ctx);
  }
  if (c === 116) {
    if (ctx.s.charCodeAt(++ctx.p) !== 114 || ctx.s.charCodeAt(++ctx.p) !== 117 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, true;
  }
  if (c === 102) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 108 || ctx.s.charCodeAt(++ctx.p) !== 115 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, false;
  }
  if (c === 43 || c === 45) {
    return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 44 - c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 4) === 45 && ctx.s.charCodeAt(ctx.p + 7) === 45) {
    return parseDate(ctx, c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 2) === 58) {
    return parseTime(ctx, c, end);
  }
  return parseNumber(ctx, ctx.p, c, 0, end);
}
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
  let c = startChr;
  let state = 0;
  let hasUnderscores = false;
  if (c === 105) {
    if (ctx.s.charCodeAt(++ctx.p) !== 110 || ctx.s.charCodeAt(++ctx.p) !== 102)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, (sign || 1) / 0;
  }
  if (c === 110) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 110)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, NaN;
  }
  if (c === 48) {
    if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
      return ctx.bi === true ? 0n : 0;
    if (!sign) {
      if (c === 120)
        return parseIntegerBaseN(ctx, startPtr, 16, endChr);
      else if (c === 98)
        return parseIntegerBaseN(ctx, startPtr, 2, endChr);
      else if (c === 111)
        return parseIntegerBaseN(ctx, startPtr, 8, endChr);
    }
    if (c === 46)
      state = 2;
    else if (c === 101 || c === 69)
      state = 4;
    else
      TomlError.x("illegal leading zero", ctx, startPtr);
  } else if (!isDigit(c))
    TomlError.x("invalid value", ctx, startPtr);
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (!state)
      state = 1;
    if (c === 95) {
      if (!(state & 1))
        TomlError.x("illegal underscore", ctx);
      state += 11;
      hasUnderscores = true;
    } else if (state === 1 && c === 46)
      state = 2;
    else if ((state === 1 || state === 3) && (c === 101 || c === 69))
      state = 4;
    else if (state === 4 && (c === 43 || c === 45)) {
      state = 6;
    } else if (!isDigit(c))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (state > 9)
      state -= 11;
    else if (!(state & 1))
      state++;
  }
  if (!state) {
    let val = (startChr - 48) * (sign || 1);
    return ctx.bi === true ? BigInt(val) : val;
  }
  if (!(state & 1))
    TomlError.x("unfinished numeric value", ctx, startPtr);
  let str = ctx.s.slice(startPtr, ctx.p);
  if (hasUnderscores)
    str = str.replaceAll("_", "");
  return state > 1 ? parseFloat(str) : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
  let c, underscore = 1;
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (c === 95) {
      if (underscore & 1)
        TomlError.x("illegal underscore", ctx);
      underscore = 3;
    } else if (!isDigit(c, base))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (underscore & 1)
      underscore--;
  }
  if (underscore & 1)
    TomlError.x("unfinished numeric value", ctx);
  let str = ctx.s.slice(startPtr + 2, ctx.p);
  if (underscore)
    str = str.replaceAll("_", "");
  return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
  if (ctx.bi !== true)
    int: {
      let val = parseInt(str, base);
      if (!Number.isSafeInteger(val)) {
        if (ctx.bi)
          break int;
        TomlError.x("integer value cannot be represented losslessly", ctx, startPtr);
      }
      return val;
    }
  return base === 10 ? BigInt(str) : BigInt((base === 2 ? "0b" : base === 8 ? "0o" : "0x") + str);
}
function parseDate(ctx, c, endChr) {
  let startPtr = ctx.p++, unsafeSeparator;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++))) {
    return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
  }
  ctx.p += 5;
  if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
    TomlError.x("invalid date-time: date part is malformed", ctx, startPtr);
  if (ctx.p >= ctx.s.length || ((c = ctx.s.charCodeAt(ctx.p)) !== 32 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 84 && c !== 116) {
    let t2 = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t2, 3, false, startPtr);
  }
  if (ctx.s.charCodeAt(ctx.p += 3) !== 58)
    TomlError.x("invalid date-time: time part is malformed", ctx, startPtr);
  if (ctx.s.charCodeAt(ctx.p += 3) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  if (c = ctx.s.charCodeAt(ctx.p)) {
    if (c === 90 || c === 122) {
      let t2 = ctx.s.slice(startPtr, ++ctx.p);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, "[+00:00]");
    }
    if (c === 43 || c === 45) {
      let t2 = ctx.s.slice(startPtr, ctx.p += 6);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, !ctx.ld && "[" + ctx.s.slice(ctx.p - 6, ctx.p) + "]");
    }
  }
  let t = ctx.s.slice(startPtr, ctx.p);
  return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
  let start = ctx.p;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
    return parseNumber(ctx, --ctx.p, c, 0, endChr);
  }
  if (ctx.s.charCodeAt(ctx.p += 4) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  let t = ctx.s.slice(start, ctx.p);
  return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
  if (ctx.ld) {
    let date = new TomlDate(str, type, unsafeDelim);
    if (!date.isValid())
      TomlError.x("invalid date", ctx, errPtr);
    return date;
  }
  try {
    if (temporalSuffix)
      str += temporalSuffix;
    switch (type) {
      case 1:
        return Temporal.ZonedDateTime.from(str);
      case 2:
        return Temporal.PlainDateTime.from(str);
      case 3:
        return Temporal.PlainDate.from(str);
      case 4:
        return Temporal.PlainTime.from(str);
    }
  } catch (e) {
    TomlError.x(e instanceof Error ? e.message : "" + e, ctx, errPtr);
  }
}

// node_modules/smol-toml/dist/util.js
function skipComment(ctx) {
  for (; ctx.p < ctx.s.length; ctx.p++) {
    let c = ctx.s.charCodeAt(ctx.p);
    if (c === 10)
      break;
    if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10) {
      ctx.p++;
      break;
    }
    if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in comments", ctx);
    }
  }
}
function skipVoid(ctx, banNewLines, banComments) {
  let c;
  while (ctx.p < ctx.s.length) {
    while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 32 || c === 9 || !banNewLines && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)))
      ctx.p++;
    if (banComments || c !== 35)
      break;
    skipComment(ctx);
  }
}

// node_modules/smol-toml/dist/struct.js
function parseKey(ctx, end = 61) {
  let startPtr;
  let state = 0;
  let parsed = [];
  let sliceStart;
  let c = ctx.s.charCodeAt(startPtr = ctx.p);
  do {
    if (c === end) {
      if (!state)
        TomlError.x("unexpected end of key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      return ctx.p++, parsed;
    } else if (c === 46) {
      if (!state)
        TomlError.x("illegal empty bare key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      state = 0;
    } else if (!state && (c === 34 || c === 39)) {
      if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
        TomlError.x("illegal quoted key: multiline strings are not allowed", ctx);
      parsed.push(parseString(ctx));
      state = 2;
      ctx.p--;
    } else if (c === 32 || c === 9) {
      if (state === 1) {
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
        state = 2;
      }
    } else if (state === 2 || c < 48 && c !== 45 || c > 57 && c < 65 || c > 90 && c < 97 && c !== 95 || c > 122) {
      TomlError.x("illegal character in key", ctx);
    } else if (!state) {
      state = 1;
      sliceStart = ctx.p;
    }
  } while (c = ctx.s.charCodeAt(++ctx.p));
  TomlError.x("incomplete key-value: cannot find end of key", ctx, startPtr);
}
function parseInlineTable(ctx) {
  let startPtr = ctx.p++;
  let res = /* @__PURE__ */ Object.create(null);
  let seen = /* @__PURE__ */ new Set();
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 125) {
      ctx.p++;
      return res;
    }
    let k;
    let t = res;
    let hasOwn = false;
    let errPtr = ctx.p;
    let key = parseKey(ctx);
    for (let i = 0; i < key.length; i++) {
      if (i)
        t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      k = key[i];
      if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== "object" || seen.has(t[k]))) {
        TomlError.x("trying to redefine an already defined value", ctx, errPtr);
      }
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor")) {
        t = ctx.uk !== 1 && TomlError.x("document contains an unsafe property", ctx, errPtr);
        break;
      }
      if (!hasOwn && unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
      }
    }
    if (hasOwn) {
      TomlError.x("trying to redefine an already defined value", ctx, errPtr);
    }
    skipVoid(ctx, true, true);
    let value = extractValue(
      ctx,
      125
      /* } */
    );
    if (t && typeof (t[k] = value) === "object")
      seen.add(value);
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 125) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished table", ctx, startPtr);
}
function parseArray(ctx) {
  let startPtr = ctx.p++;
  let res = [];
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 93) {
      ctx.p++;
      return res;
    }
    res.push(extractValue(
      ctx,
      93
      /* ] */
    ));
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 93) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished array", ctx, startPtr);
}

// node_modules/smol-toml/dist/parse.js
function peekTable(ctx, key, table2, meta, type) {
  let t = table2;
  let m = meta;
  let k;
  let hasOwn = false;
  let state;
  for (let i = 0; i < key.length; i++) {
    if (i) {
      t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      m = (state = m[k]).c;
      if (type === 0 && (state.t === 1 || state.t === 2)) {
        return null;
      }
      if (state.t === 2) {
        let l = t.length - 1;
        t = t[l];
        m = m[l].c;
      }
    }
    k = key[i];
    if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 && m[k]?.d) {
      return null;
    }
    if (!hasOwn) {
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor"))
        return false;
      if (unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
        Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
      }
      m[k] = {
        t: i < key.length - 1 && type === 2 ? 3 : type,
        d: false,
        i: 0,
        c: /* @__PURE__ */ Object.create(null)
      };
    }
  }
  state = m[k];
  if (state.t !== type && !(type === 1 && state.t === 3)) {
    return null;
  }
  if (type === 2) {
    if (!state.d) {
      state.d = true;
      t[k] = [];
    }
    t[k].push(t = /* @__PURE__ */ Object.create(null));
    state.c[state.i++] = state = { t: 1, d: false, i: 0, c: /* @__PURE__ */ Object.create(null) };
  }
  if (state.d) {
    return null;
  }
  state.d = true;
  if (type === 1) {
    t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
  } else if (type === 0 && hasOwn) {
    return null;
  }
  return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
  if (peek === null || ctx.uk === 2)
    TomlError.x(peek === null ? "trying to redefine an already defined table or value" : "document contains an unsafe property", ctx, ptr);
}
function parse(toml, options = {}) {
  let ctx = {
    s: toml,
    p: 0,
    d: options.maxDepth ?? 1e3,
    bi: options.integersAsBigInt ?? false,
    ld: options.useLegacyDate ?? true,
    uk: options.unsafeKeyBehaviour === "throw" ? 2 : options.unsafeKeyBehaviour === "drop" ? 1 : 0
  };
  let res = /* @__PURE__ */ Object.create(null);
  let meta = /* @__PURE__ */ Object.create(null);
  let tmp;
  let skipping = false;
  let tbl = res;
  let m = meta;
  if (toml.charCodeAt(0) === 65279)
    ctx.p++;
  skipVoid(ctx);
  while (ctx.p < toml.length) {
    if (toml.charCodeAt(ctx.p) === 91) {
      let isTableArray = toml.charCodeAt(++ctx.p) === 91;
      tmp = ctx.p += +isTableArray;
      skipping = false;
      let k = parseKey(
        ctx,
        93
        /* ] */
      );
      if (isTableArray) {
        if (toml.charCodeAt(ctx.p) !== 93) {
          TomlError.x("expected end of table array declaration", ctx);
        }
        ctx.p++;
      }
      let p = peekTable(
        ctx,
        k,
        res,
        meta,
        isTableArray ? 2 : 1
        /* Type.EXPLICIT */
      );
      if (!p) {
        validateTablePeek(ctx, p, tmp);
        skipping = true;
      } else {
        m = p[2];
        tbl = p[1];
      }
    } else {
      tmp = ctx.p;
      let k = parseKey(ctx);
      let p = peekTable(
        ctx,
        k,
        tbl,
        m,
        0
        /* Type.DOTTED */
      );
      if (!p && !skipping)
        validateTablePeek(ctx, p, tmp);
      skipVoid(ctx, true, true);
      let v = extractValue(ctx, void 0);
      if (p && !skipping)
        p[1][p[0]] = v;
    }
    skipVoid(ctx, true);
    if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 10 && (tmp !== 13 || toml.charCodeAt(ctx.p + 1) !== 10)) {
      TomlError.x("each key-value declaration must be followed by an end-of-line", ctx);
    }
    skipVoid(ctx);
  }
  return res;
}

// node_modules/smol-toml/dist/stringify.js
var HAS_WELLFORMED = !!"".isWellFormed;

// src/cli/settings.ts
import { dirname as dirname4, relative as relative2, resolve as resolve5 } from "node:path";

// src/cli/option-values.ts
var MIN_PG_VERSION = OLDEST_PG_VERSION;
var MAX_PG_VERSION = NEWEST_PG_VERSION;
var DEFAULT_PG_VERSION = 14;
var FORMATS = ["text", "json", "github", "markdown", "sarif"];
var isFormat = (name) => FORMATS.includes(name);
function parseFormat(value, previous = []) {
  const at2 = value.indexOf("=");
  const format = at2 < 0 ? value : value.slice(0, at2);
  const file = at2 < 0 ? void 0 : value.slice(at2 + 1);
  if (!isFormat(format)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(", ")}, alone or as FORMAT=FILE`);
  if (file === "") throw new InvalidArgumentError(`expected a file after ${format}=`);
  return [...previous, { format, file }];
}
function isPgVersion(n) {
  return typeof n === "number" && Number.isInteger(n) && n >= MIN_PG_VERSION && n <= MAX_PG_VERSION;
}
var PG_VERSION_EXPECTED = `expected a PostgreSQL major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}`;
function parsePgVersion(value) {
  const n = Number(value);
  if (!isPgVersion(n)) throw new InvalidArgumentError(PG_VERSION_EXPECTED);
  return n;
}
function isMegabytes(n) {
  return typeof n === "number" && n > 0 && n <= MAX_INPUT_MB_CEILING;
}
var MEGABYTES_EXPECTED = `expected a number of megabytes, more than 0 and at most ${MAX_INPUT_MB_CEILING}`;
function parseMegabytes(value) {
  const n = Number(value);
  if (!Number.isFinite(n) || !isMegabytes(n)) throw new InvalidArgumentError(MEGABYTES_EXPECTED);
  return n;
}
function parseBudget(value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of milliseconds");
  return n;
}
function parseSeconds(value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86400) throw new InvalidArgumentError("expected a number of seconds, more than 0 and at most 86400");
  return n;
}
function parseTimeout(value) {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError("expected a duration such as 500ms, 5s or 2min (a bare number is milliseconds)");
  return ms;
}
function parseRowCount(value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1e7) throw new InvalidArgumentError("expected a number of rows from 1 to 10000000");
  return n;
}
var collect2 = (value, values = []) => [...values, value];

// src/cli/settings.ts
var BadSetting = class extends Error {
  constructor(message, key) {
    super(message);
    this.key = key;
  }
  key;
};
var setting = (s) => s;
function strings(value, expected, key) {
  if (!Array.isArray(value) || !value.every((r) => typeof r === "string")) throw new BadSetting(expected, key);
  return value;
}
function table(value, expected) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BadSetting(expected);
  return value;
}
function budget(key, description) {
  return setting({
    key,
    fromFile: (value) => {
      if (typeof value !== "number" || value < 0) throw new BadSetting("expected a number of milliseconds");
      return value;
    },
    option: () => new Option(`--${key} <ms>`, description).argParser(parseBudget)
  });
}
var SETTINGS = {
  pgVersion: setting({
    key: "pg-version",
    fromFile: (value) => {
      if (!isPgVersion(value)) throw new BadSetting(PG_VERSION_EXPECTED);
      return value;
    },
    option: () => new Option("--pg-version <major>", `PostgreSQL major version the migration runs on (${MIN_PG_VERSION}-${MAX_PG_VERSION})`).argParser(parsePgVersion).default(DEFAULT_PG_VERSION)
  }),
  failOn: setting({
    key: "fail-on",
    fromFile: (value) => {
      if (value !== "error" && value !== "warning" && value !== "never") throw new BadSetting('expected "error", "warning" or "never"');
      return value;
    },
    option: () => new Option("--fail-on <severity>", "exit 1 when a finding reaches this severity").choices(["error", "warning", "never"]).default("error")
  }),
  rules: setting({
    key: "rules",
    fromFile: (value) => typeof value === "string" ? value : strings(value, 'expected "all", "default" or a list of rule ids').join(","),
    option: () => new Option("--rules <ids>", "rules to run: all, default, or a comma-separated list of rule ids (default: every rule not marked off in `locklint rules`)")
  }),
  disable: setting({ key: "disable", fromFile: (value) => strings(value, "expected a list of rule ids") }),
  severity: setting({
    key: "severity",
    fromFile: (value) => {
      const severity = {};
      for (const [rule, level] of Object.entries(table(value, 'expected a table: rule = "error" | "warning"'))) {
        if (level !== "error" && level !== "warning") throw new BadSetting('expected "error" or "warning"', `severity.${rule}`);
        severity[rule] = level;
      }
      return severity;
    }
  }),
  maxLockMs: budget("max-lock-ms", "with --stats or --db-url: report tables blocked for reads or writes longer than this (rule lock-budget)"),
  maxReadLockMs: budget("max-read-lock-ms", "as --max-lock-ms, for locks that block reads (overrides it for them)"),
  maxWriteLockMs: budget("max-write-lock-ms", "as --max-lock-ms, for locks that block writes (overrides it for them)"),
  stats: setting({
    key: "stats",
    fromFile: (value, file) => {
      if (typeof value !== "string") throw new BadSetting("expected the path of a stats file");
      return resolve5(dirname4(file), value);
    },
    option: () => new Option("--stats <file>", "table sizes written by `locklint stats`: lock facts get hold-time estimates"),
    // --db-url reads the sizes instead
    appliesWith: (options) => !("dbUrl" in options && options.dbUrl)
  }),
  assumeInTransaction: setting({
    key: "assume-in-transaction",
    fromFile: (value) => {
      if (typeof value !== "boolean") throw new BadSetting("expected true or false");
      return value;
    },
    option: () => new Option(
      "--assume-in-transaction",
      "each file runs inside one transaction its migration tool opens (not needed for alembic --sql output, which prints BEGIN/COMMIT)"
    )
  }),
  alembicDir: setting({
    key: "alembic-dir",
    fromFile: (value, file) => {
      const dirs = strings(typeof value === "string" ? [value] : value, "expected a directory, or a list of them");
      return dirs.map((d) => relative2(process.cwd(), resolve5(dirname4(file), d)) || ".");
    },
    option: () => new Option("--alembic-dir <dir>", "alembic versions directory (repeatable): findings also point at the revision's .py file and its op.* call").argParser(
      collect2
    )
  }),
  ignore: setting({
    key: "ignore",
    fromFile: (value) => {
      const ignore = {};
      for (const [revision, list2] of Object.entries(table(value, 'expected a table: "<revision>" = ["rule", ...]'))) {
        ignore[revision] = strings(list2, "expected a list of rule ids", `ignore.${revision}`);
      }
      return ignore;
    }
  }),
  maxInputMb: setting({
    key: "max-input-mb",
    fromFile: (value) => {
      if (!isMegabytes(value)) throw new BadSetting(MEGABYTES_EXPECTED);
      return value;
    },
    // no default here, so that the configuration file's value can apply
    option: (what = "an input (a file, stdin, the --sql-command's output)") => new Option("--max-input-mb <mb>", `stop reading ${what} larger than this, in MB of 1,048,576 bytes: exit 2 (default: ${DEFAULT_MAX_INPUT_MB})`).argParser(
      parseMegabytes
    )
  })
};
var SETTING_NAMES = Object.keys(SETTINGS);
function settingOption(name, what) {
  const option = SETTINGS[name].option?.(what);
  if (!option || option.long !== `--${SETTINGS[name].key}` || option.attributeName() !== name)
    throw new Error(`setting ${name}: no option --${SETTINGS[name].key} stored as ${name}`);
  return option;
}
function withConfig(options, config, command) {
  if (!config) return options;
  const declared = new Set(command.options.map((o) => o.attributeName()));
  const filled = {};
  for (const name of SETTING_NAMES) {
    const value = config[name];
    if (value === void 0 || !declared.has(name) || command.getOptionValueSource(name) === "cli") continue;
    if (SETTINGS[name].appliesWith?.(options) === false) continue;
    filled[name] = value;
  }
  return { ...options, ...filled };
}

// src/cli/config.ts
function findConfigFile(cwd, named) {
  return findProjectFile(cwd, named, "configuration file", (dir) => {
    const own = join5(dir, "locklint.toml");
    if (present(own)) return own;
    const pyproject = join5(dir, "pyproject.toml");
    return present(pyproject) && configuresLocklint(pyproject) ? pyproject : null;
  });
}
function configuresLocklint(pyproject) {
  const text2 = readConfigText(pyproject);
  if (!text2.includes("locklint")) return false;
  const tool = parseConfig(pyproject, text2).tool;
  return typeof tool === "object" && tool !== null && "locklint" in tool;
}
function present(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
function readConfigText(path) {
  try {
    return readFileSync5(path, "utf8");
  } catch (error) {
    const code = error.code;
    if (code === "EISDIR") throw new UsageError(`${path}: is a directory, not a configuration file`);
    if (code === "ENOENT") throw new UsageError(`${path}: a broken symbolic link (what it points to does not exist)`);
    throw new UsageError(`${path}: cannot read the configuration file (${code ?? String(error)})`);
  }
}
function parseConfig(path, text2) {
  try {
    return parse(text2);
  } catch (error) {
    const where = error instanceof TomlError ? `line ${error.line}: ` : "";
    throw new UsageError(`${path}: ${where}${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}
function loadConfig(path) {
  const document = parseConfig(path, readConfigText(path));
  const inPyproject = basename(path) === "pyproject.toml";
  const section = inPyproject ? document.tool?.locklint : document;
  const prefix = inPyproject ? "tool.locklint." : "";
  if (section !== void 0 && (typeof section !== "object" || section === null || Array.isArray(section)))
    throw new UsageError(`${path}: tool.locklint: expected a table ([tool.locklint])`);
  const table2 = section ?? {};
  const bad = (key, what) => new UsageError(`${path}: ${prefix}${key}: ${what}`);
  const keys = SETTING_NAMES.map((name) => SETTINGS[name].key);
  for (const key of Object.keys(table2)) if (!keys.includes(key)) throw bad(key, `unknown key (known: ${keys.join(", ")})`);
  const config = { path, disable: [], severity: {}, ignore: {} };
  for (const name of SETTING_NAMES) {
    const { key } = SETTINGS[name];
    const value = table2[key];
    if (value === void 0) continue;
    try {
      Object.assign(config, { [name]: SETTINGS[name].fromFile(value, path) });
    } catch (error) {
      if (error instanceof BadSetting) throw bad(error.key ?? key, error.message);
      throw error;
    }
  }
  return config;
}

// src/cli/io.ts
var EXIT_OK = 0;
var EXIT_FINDINGS = 1;
var EXIT_USAGE = 2;
var EXIT_INTERNAL = 2;

// src/cli/outputs.ts
import { resolve as resolve7 } from "node:path";

// src/report/colors.ts
var import_picocolors = __toESM(require_picocolors(), 1);
function colorsFor(stream, env, explicit) {
  let enabled;
  if (explicit !== void 0) enabled = explicit;
  else if (env.NO_COLOR !== void 0 && env.NO_COLOR !== "") enabled = false;
  else if (env.FORCE_COLOR !== void 0 && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") enabled = true;
  else enabled = Boolean(stream.isTTY) && env.TERM !== "dumb";
  return import_picocolors.default.createColors(enabled);
}

// src/report/output-file.ts
import { realpathSync as realpathSync4, statSync as statSync2 } from "node:fs";
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename as basename2, dirname as dirname5, join as join6, resolve as resolve6 } from "node:path";
var NODE_FS = { writeFile, rename, unlink };
async function writeReportFile(path, report, fs = NODE_FS) {
  const target = realPath2(path) ?? resolve6(path);
  const temp = join6(dirname5(target), `.${basename2(target)}.${tempName()}.tmp`);
  try {
    await fs.writeFile(temp, typeof report === "string" ? report : batched(report), { flag: "wx", mode: existingMode(target) });
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => void 0);
    throw new UsageError(`${path}: cannot write (${error.code ?? String(error)})`);
  }
}
var tempCount = 0;
function tempName() {
  return `${process.pid}-${Date.now().toString(36)}-${tempCount++}`;
}
function refuseInputAsOutput(output, inputs) {
  const written = identity(output);
  for (const input of inputs.files) {
    if (input === "-" || written === null || identity(input) !== written) continue;
    throw new UsageError(`${output}: is the input ${input}; the report would replace it (write the report to another file)`);
  }
  if (inputs.sqlCommand !== void 0 && commandNames(inputs.sqlCommand, output)) {
    throw new UsageError(
      `${output}: --sql-command names this file ("${inputs.sqlCommand}"); the report would replace what it reads (write the report to another file)`
    );
  }
}
function commandNames(command, path) {
  const words = command.split(/[\s'"`;|&<>()=]+/).filter(Boolean);
  return words.some((word) => resolve6(word) === resolve6(path) || basename2(word) === basename2(path));
}
function identity(path) {
  try {
    const stat2 = statSync2(path);
    return `${stat2.dev}:${stat2.ino}`;
  } catch {
    return null;
  }
}
function realPath2(path) {
  try {
    return realpathSync4(path);
  } catch {
    return null;
  }
}
function existingMode(path) {
  try {
    return statSync2(path).mode & 511;
  } catch {
    return void 0;
  }
}

// src/cli/outputs.ts
function inputsOf(files, options, config) {
  const read = [...files, options.stats, config?.path].filter((f) => f !== void 0);
  return { files: read, sqlCommand: options.sqlCommand };
}
function outputsOf(options, inputs) {
  const requested = options.format ?? [{ format: "text" }];
  const toStdout = requested.filter((o) => o.file === void 0);
  if (toStdout.length > 1)
    throw new UsageError(
      `--format ${toStdout.map((o) => o.format).join(", ")}: only one report can go to stdout; give the others a file (--format FORMAT=FILE)`
    );
  if (options.output !== void 0 && toStdout.length === 0)
    throw new UsageError(`-o ${options.output}: every --format names its own file (FORMAT=FILE); -o is for the one without`);
  const outputs = requested.map((o) => o.file === void 0 ? { ...o, file: options.output } : o);
  const destinations = /* @__PURE__ */ new Set();
  for (const { file } of outputs) {
    if (file === void 0) continue;
    if (destinations.has(resolve7(file))) throw new UsageError(`${file}: two reports would be written to this file`);
    destinations.add(resolve7(file));
    refuseInputAsOutput(file, inputs);
  }
  return outputs;
}
async function writeOutputs(outputs, options, io, render) {
  const reports = outputs.map((o) => ({ file: o.file, report: render(o.format, colorsFor(o.file === void 0 ? io.stdout : {}, io.env, options.color)) }));
  for (const r of reports) if (r.file !== void 0) await emit(r.report, r.file, io);
  for (const r of reports) if (r.file === void 0) await emit(r.report, void 0, io);
}
async function emit(report, output, io) {
  if (!output) {
    try {
      await writeReport(io.stdout, report);
    } catch (error) {
      throw new UsageError(stdoutFailure(error));
    }
    return;
  }
  await writeReportFile(output, report);
}
function stdoutFailure(error) {
  const reason = error instanceof Error ? error.message.replace(/, write$/, "") : String(error);
  return `cannot write the report to stdout: ${reason}`;
}

// src/cli/rule-selection.ts
function defaultRules() {
  return RULES.filter((r) => !r.optional);
}
function selectRules(spec) {
  if (spec === void 0 || spec.trim() === "default") return defaultRules();
  if (spec.trim() === "all") return [...RULES];
  const ids = spec.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError("no rule selected: nothing would be checked; give all, default or rule ids (locklint rules lists them)");
  const chosen = /* @__PURE__ */ new Set();
  for (const id of ids) {
    if (id === "default") {
      for (const r of defaultRules()) chosen.add(r);
      continue;
    }
    chosen.add(findRule(id));
  }
  return RULES.filter((r) => chosen.has(r));
}
function findRule(id) {
  const rule = RULES.find((r) => r.id === id);
  if (rule) return rule;
  const close2 = RULES.filter(
    (r) => r.id.includes(id) || id.includes(r.id) || sharedWords(r.id, id) >= 2 || editDistance(r.id, id) <= Math.max(3, Math.floor(r.id.length / 3))
  ).map((r) => r.id);
  throw new UsageError(`unknown rule "${id}"${close2.length ? `; did you mean ${close2.slice(0, 3).join(", ")}?` : ""} (locklint rules lists them)`);
}
function sharedWords(a, b) {
  const words = new Set(a.split("-"));
  return b.split("-").filter((w) => words.has(w)).length;
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

// src/cli/linting.ts
function configFor(named, io) {
  const path = findConfigFile(io.cwd ?? process.cwd(), named);
  return path ? loadConfig(path) : null;
}
function configuredRules(cliSpec, config) {
  const rules = at(rulesPlace(cliSpec, config), () => selectRules(cliSpec ?? config?.rules));
  if (!config) return rules;
  const inFile = (key) => `${config.path}: ${key}`;
  const { disable, severity, ignore } = SETTINGS;
  for (const id of config.disable) at(inFile(disable.key), () => findRule(id));
  for (const id of Object.keys(config.severity)) at(inFile(`${severity.key}.${id}`), () => findRule(id));
  for (const [revision, ids] of Object.entries(config.ignore)) for (const id of ids) at(inFile(`${ignore.key}.${revision}`), () => findRule(id));
  const enabled = rules.filter((r) => !config.disable.includes(r.id));
  if (enabled.length === 0)
    throw new UsageError(`${inFile(disable.key)}: turns off every rule selected (${rules.map((r) => r.id).join(", ")}); nothing would be checked`);
  return enabled;
}
function rulesPlace(cliSpec, config) {
  if (cliSpec !== void 0) return `--rules "${cliSpec}"`;
  return config?.rules !== void 0 ? `${config.path}: ${SETTINGS.rules.key}` : void 0;
}
function at(place, check) {
  try {
    return check();
  } catch (error) {
    throw prefixed(place, error);
  }
}
function prefixed(place, error) {
  return place !== void 0 && error instanceof UsageError ? new UsageError(`${place}: ${error.message}`) : error;
}
function applyConfig(findings, config) {
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i];
    const ignored = f.revision?.id ? config.ignore[f.revision.id] : void 0;
    if (ignored?.includes(f.rule)) {
      findings.splice(i, 1);
      continue;
    }
    const severity = config.severity[f.rule];
    if (severity) f.severity = severity;
  }
}
async function startingSchemaOf(options) {
  return options.dbUrl ? [await readServerSchema(options.dbUrl, DEFAULT_TIMEOUTS)] : [];
}
async function readServerSchema(url, timeouts) {
  const db = await serverDatabase(url, timeouts);
  try {
    return decodeSource(`<schema of ${redactUrl(url)}>`, new TextEncoder().encode(await schemaAsSql(db)));
  } finally {
    await db.close();
  }
}
async function loadSizes(options, config) {
  if (options.stats && options.dbUrl) throw new UsageError("give --stats or --db-url, not both");
  if (options.dbUrl) return new TableSizes(await collectStats(options.dbUrl));
  if (!options.stats) return void 0;
  const place = config !== null && config.stats === options.stats ? `${config.path}: ${SETTINGS.stats.key}` : void 0;
  const stats = await readStatsFile(options.stats).catch((error) => {
    throw prefixed(place, error);
  });
  return new TableSizes(stats);
}
var BUDGETS = ["maxLockMs", "maxReadLockMs", "maxWriteLockMs"];
async function lintSources(sources, rules, options, config, input) {
  const sizes = await loadSizes(options, config);
  const startingSchema = await startingSchemaOf(options);
  await loadParser();
  const lockBudget = { reads: options.maxReadLockMs ?? options.maxLockMs, writes: options.maxWriteLockMs ?? options.maxLockMs };
  if ((lockBudget.reads !== void 0 || lockBudget.writes !== void 0) && !sizes) {
    const fromFile = BUDGETS.find((name) => config?.[name] !== void 0 && options[name] === config[name]);
    const place = fromFile && config ? `${config.path}: ${SETTINGS[fromFile].key}: ` : "";
    throw new UsageError(
      `${place}lock budgets (--max-lock-ms, --max-read-lock-ms, --max-write-lock-ms) need table sizes: give --stats FILE (from locklint stats) or --db-url`
    );
  }
  const keepStatements = options.format?.some((o) => o.format === "markdown") ?? false;
  const analysis = analyze(sources, { pgVersion: options.pgVersion, rules, sizes, lockBudget, keepStatements, startingSchema, ...input });
  if (config) applyConfig(analysis.findings, config);
  return analysis;
}
async function reportFindings(analysis, outputs, options, io) {
  await writeOutputs(outputs, options, io, (format, colors) => renderFindings(format, analysis, colors, options.verbose === true));
  if (reportInternalErrors(analysis, io)) return EXIT_INTERNAL;
  return analysis.findings.some((f) => reachesFailLevel(f, options.failOn)) ? EXIT_FINDINGS : EXIT_OK;
}
function reportInternalErrors(analysis, io) {
  for (const e of analysis.internalErrors) {
    const statement = firstLine(e.sql);
    io.stderr.write(`locklint: internal error at ${visible(`${e.file}:${e.line}:${e.column} (${statement}): ${e.message}`)} (please report it)
`);
  }
  return analysis.internalErrors.length > 0;
}
function firstLine(sql) {
  const line = Array.from(sql.split(/\r\n|\n|\r/)[0] ?? "");
  return line.length > 80 || sql.includes("\n") ? `${line.slice(0, 79).join("")}\u2026` : line.join("");
}
var FINDINGS_REPORTS = {
  text: (findings, summary, analysis, colors, verbose) => textReport(findings, summary, colors, verbose ? analysis.unmodelled : []),
  json: (findings, summary, analysis) => formatFindingsJson(findings, summary, analysis.unmodelled),
  github: (findings, summary) => formatGithub(findings, summary),
  markdown: (findings, summary, analysis) => formatMarkdown(findings, summary, buildTimelines(analysis.analyzed)),
  sarif: (findings) => formatSarif(findings, RULES, packageVersion())
};
function renderFindings(format, analysis, colors, verbose) {
  const summary = summarize(analysis.findings, analysis.files, analysis.statements);
  return FINDINGS_REPORTS[format](analysis.findings, summary, analysis, colors, verbose);
}

// src/cli/options.ts
function timeoutOption(what) {
  return new Option("--timeout <seconds>", `stop ${what} (and every process it started) after this many seconds: exit 2`).argParser(parseSeconds).default(DEFAULT_TIMEOUT_SECONDS);
}
function addTimeoutOptions(command, statementScope) {
  return command.addOption(
    new Option(
      "--lock-timeout <duration>",
      "on a server: how long a statement waits for a lock another session holds, then stops with one line (lock_timeout)"
    ).argParser(parseTimeout).default(DEFAULT_TIMEOUTS.lockMs, "5s")
  ).addOption(
    new Option("--statement-timeout <duration>", `how long one statement may run ${statementScope}, then stops with one line (statement_timeout)`).argParser(parseTimeout).default(DEFAULT_TIMEOUTS.statementMs, "30s")
  );
}
function addInputOptions(command) {
  return command.argument("[files...]", "SQL files to read; - for stdin (default: stdin when it is not a terminal)").option("--since <revision>", "the whole input builds the schema; report only the alembic revisions after this one (they are deployed together)").option("--revision <revision>", "report only this alembic revision").option(
    "--sql-command <command>",
    'run this shell command and lint its standard output, e.g. "alembic upgrade head --sql" (its stderr passes through; a failure is exit 2)'
  ).addOption(timeoutOption("the --sql-command")).addOption(settingOption("maxInputMb")).addOption(settingOption("assumeInTransaction")).option("--config <file>", "configuration file (default: locklint.toml, or [tool.locklint] in pyproject.toml, from here upwards)");
}
function verboseOption() {
  return new Option("--verbose", "also list each statement locklint does not model (a DO block, a kind of statement it does not know), one line each");
}
function addReportOptions(command) {
  return command.option(
    "-f, --format <format>",
    `report format: ${FORMATS.join(", ")} (default: text; github, markdown and sarif: lint and alembic only); FORMAT=FILE writes that report to FILE. Repeatable: several reports of one analysis, e.g. --format github --format sarif=locklint.sarif, at most one to stdout`,
    parseFormat
  ).option("-o, --output <file>", "write the report that goes to stdout (the --format without =FILE) to this file instead").addOption(settingOption("pgVersion")).addOption(settingOption("stats")).option("--db-url <url>", "read table sizes and the schema (column types, constraints, indexes) from this database instead of a stats file (read-only)").option("--color", "force colours").option("--no-color", "no colours (also: NO_COLOR=1)");
}
function addLintOptions(command) {
  return command.addOption(settingOption("failOn")).addOption(settingOption("maxLockMs")).addOption(settingOption("maxReadLockMs")).addOption(settingOption("maxWriteLockMs")).addOption(settingOption("rules"));
}

// src/cli/commands/alembic.ts
function declareAlembic(program2) {
  const command = program2.command("alembic").description("lint an alembic project: render its whole history offline with its own alembic, report the revisions a branch adds, at their .py lines").option("-c, --config <file>", "alembic.ini (default: the first found from here upwards)").option("-n, --name <section>", "the ini section of the database to lint, as alembic's --name", "alembic").option("-x <key=value>", "passed to alembic as -x key=value (repeatable)", collect2).option(
    "--python <path>",
    "the Python that runs alembic (default: the first that can import alembic of the active virtualenv, the project's .venv or venv, python3 and python on PATH)"
  ).option(
    "--since-ref <ref>",
    "report the revisions whose files are added or changed since this git ref (git diff REF...HEAD, plus changes not committed yet)"
  ).option("--revision <rev>", "report this revision: an id, a unique start of one, a branch label or heads (repeatable)", collect2).option("--all", "report every revision").option("--downgrade", "also lint the downgrade path of the reported revisions").addOption(timeoutOption("alembic")).addOption(settingOption("maxInputMb", "alembic's SQL (its standard output)")).option("--locklint-config <file>", "locklint's configuration file (default: locklint.toml, or [tool.locklint] in pyproject.toml, from here upwards)");
  return addReportOptions(addLintOptions(command));
}
async function runAlembic(cliOptions, command, io) {
  const cwd = io.cwd ?? process.cwd();
  const config = configFor(cliOptions.locklintConfig, io);
  const options = withConfig(cliOptions, config, command);
  const rules = configuredRules(cliOptions.rules, config);
  const project = readAlembicProject(findAlembicIni(cwd, options.config), options.name);
  const migrationFiles = indexMigrationFiles(project.versionLocations, `${project.ini}: version location`);
  const outputs = outputsOf(options, inputsOf([project.ini, ...[...migrationFiles.values()].map((f) => f.path)], options, config));
  const history = new RevisionHistory(migrationFiles);
  const selection = selectRevisions(history, options, cwd);
  io.stderr.write(`locklint alembic: ${selection.description}
`);
  const log = (line) => io.stderr.write(`locklint alembic: ${line}
`);
  const maxBytes = (options.maxInputMb ?? DEFAULT_MAX_INPUT_MB) * MB;
  const rendering = await renderHistory(project, {
    python: options.python,
    x: options.x,
    downgrade: options.downgrade,
    env: io.env,
    cwd,
    log,
    timeoutSeconds: options.timeout,
    maxBytes
  });
  checkRendered(
    rendering,
    [...selection.revisions].map((id) => history.files.get(id)),
    { downgrade: options.downgrade, cwd }
  );
  const locate3 = migrationLocator(migrationFiles, (path) => relative3(cwd, resolve8(dirname6(project.ini), path)));
  const lint = await lintSources(rendering.sources, rules, options, config, {
    range: { revisions: selection.revisions, together: selection.together },
    locate: locate3
  });
  if (history.ids.length > 0 && lint.revisions.size === 0)
    throw new UsageError(
      `alembic printed no revision of ${project.ini} on its standard output (no "-- Running upgrade" line): does env.py send the SQL elsewhere (output_buffer)?`
    );
  return reportFindings(lint, outputs, options, io);
}

// src/cli/rule-catalog.ts
function exampleFindings(rule, sql = rule.docs.example) {
  const file = decodeSource("example.sql", new TextEncoder().encode(sql));
  const given = rule.docs.exampleSizes;
  const sizes = given ? new TableSizes(statsFor(given.tables)) : void 0;
  return analyze([file], {
    pgVersion: 14,
    rules: RULES,
    sizes,
    lockBudget: given?.maxLockMs === void 0 ? void 0 : { reads: given.maxLockMs, writes: given.maxLockMs }
  }).findings.filter((f) => f.rule === rule.id);
}
function statsFor(tables) {
  return {
    format: "locklint-stats",
    version: 1,
    collectedAt: "2026-01-01T00:00:00.000Z",
    server: { version: "18", versionNum: 18e4 },
    source: "documentation example",
    tables: tables.map((t) => ({
      schema: "public",
      name: t.name,
      kind: "table",
      reltuples: t.rows,
      liveTuples: t.rows,
      heapBytes: t.heapBytes,
      toastBytes: 0,
      totalBytes: t.totalBytes,
      indexes: []
    }))
  };
}
function lockSummary(findings) {
  const seen = /* @__PURE__ */ new Set();
  for (const f of findings) {
    for (const lock of f.locks) {
      if (lock.new) continue;
      const work = lock.rewrite ? ", rewrite" : lock.scan ? ", scan" : "";
      seen.add(`${lock.mode} (${lock.blocks.length ? `blocks ${lock.blocks.join(", ")}` : "blocks no DML"})${work}`);
    }
  }
  return [...seen].join("; ") || "-";
}
function ruleDocumentation(rule) {
  const d = rule.docs;
  const findings = exampleFindings(rule);
  const reported = findings.map((f) => [`${f.line}:${f.column}  ${f.severity}  ${f.message}`, ...f.locks.map((l) => `  lock: ${describeLock(l)}`)].join("\n")).join("\n");
  const sections = [
    `# ${rule.id}`,
    `**Severity:** ${rule.severity}${rule.optional ? " (off by default: turn it on with `--rules all` or by naming it)" : ""}. ${rule.summary}.`,
    `**Lock:** ${lockSummary(findings)}`,
    `## Why it matters

${d.why}`,
    `## Example

\`\`\`sql
${d.example}
\`\`\``,
    `locklint reports:

\`\`\`
${reported}
\`\`\``,
    `## Use instead

\`\`\`sql
${d.useInstead}
\`\`\``,
    `## In an alembic migration

\`\`\`python
${d.alembic}
\`\`\``
  ];
  if (d.notes) sections.push(`## Notes

${d.notes}`);
  if (d.references?.length) sections.push(`## References

${d.references.map((r) => `- ${r}`).join("\n")}`);
  return sections.join("\n\n") + "\n";
}

// src/cli/commands/explain.ts
function declareExplain(program2) {
  return program2.command("explain").description("print a rule's documentation").argument("<rule>", "rule id, as `locklint rules` lists it");
}
async function runExplain(id, io) {
  const rule = findRule(id);
  await loadParser();
  io.stdout.write(ruleDocumentation(rule));
  return EXIT_OK;
}

// src/sql/input-check.ts
var EMPTY = {
  file: "(empty file)",
  stdin: "(empty input): did the command piped in fail? `alembic upgrade head --sql | locklint` gets nothing when alembic fails (`set -o pipefail` lets the shell see it)",
  command: "(the command printed nothing on its standard output)"
};
function checkStatements(source, origin) {
  const seen = /* @__PURE__ */ new Set();
  let last;
  for (const span of splitStatements(source.text)) {
    seen.add(span.kind);
    last = span;
  }
  if (last?.unclosed) throw unclosedError(source, last.unclosed);
  if (!seen.has("statement")) throw new UsageError(`${source.path}: no SQL statement ${whatIsThere(source, seen, origin)}`);
}
function whatIsThere(source, seen, origin) {
  if (source.text.trim() === "") return EMPTY[origin];
  return seen.has("psql") ? "(only comments and psql commands)" : "(only comments)";
}
function unclosedError(source, { what, at: at2 }) {
  const line = new LineIndex(source.text).position(at2).line;
  const where = `${source.path}:${line}`;
  const hidden = "it runs to the end of the input, hiding every statement after it";
  if (what === "COPY data") return new UsageError(`${where}: COPY ... FROM stdin data without its end line \\.: ${hidden}; end the data with a line \\.`);
  return new UsageError(`${where}: unterminated ${what}: ${hidden}; close it with ${closer(source.text, what, at2)}`);
}
function closer(text2, what, at2) {
  switch (what) {
    case "/* comment":
      return "*/";
    case "quoted string":
      return "'";
    case "quoted identifier":
      return '"';
    default:
      return /^\$[^$]*\$/.exec(text2.slice(at2, at2 + 100))?.[0] ?? "$$";
  }
}

// src/sql/sql-command.ts
async function readCommandOutput(command, options) {
  const name = `<${command}>`;
  const child = startChild(command, [], {
    cwd: options.cwd,
    env: options.env,
    shell: true,
    timeoutSeconds: options.timeoutSeconds,
    what: `--sql-command ${JSON.stringify(command)}`
  });
  child.stderr.on("data", (chunk) => options.stderr.write(chunk.toString()));
  const exited = child.exited.then(
    (status) => ({ status }),
    (error) => ({ error })
  );
  let source;
  try {
    source = await readStream(name, child.stdout, options.maxBytes ?? DEFAULT_MAX_INPUT_MB * MB);
  } catch (error) {
    child.stderr.removeAllListeners("data").resume();
    child.stop();
    throw error;
  }
  const result2 = await exited;
  if ("error" in result2) {
    if (result2.error instanceof UsageError) throw result2.error;
    throw new UsageError(
      `--sql-command: cannot run ${JSON.stringify(command)}: ${result2.error instanceof Error ? result2.error.message : String(result2.error)}`
    );
  }
  const { code, signal: signal2 } = result2.status;
  if (code !== 0)
    throw new UsageError(`--sql-command: ${JSON.stringify(command)} ${signal2 ? `was killed by ${signal2}` : `exited with code ${code}`}; nothing was linted`);
  return source;
}

// src/cli/inputs.ts
async function readInputs(files, io, options = {}) {
  const paths = files.length > 0 || options.sqlCommand !== void 0 ? files : [stdinByDefault(io)];
  if (paths.filter((p) => p === "-").length > 1) throw new UsageError("- (stdin) is named twice: stdin can be read only once");
  const maxBytes = (options.maxInputMb ?? DEFAULT_MAX_INPUT_MB) * MB;
  const inputs = paths.map(
    (path) => path === "-" ? { origin: "stdin", read: () => readStream(STDIN_NAME, io.stdin, maxBytes) } : { origin: "file", read: () => readSourceFile(path, maxBytes) }
  );
  const { sqlCommand } = options;
  if (sqlCommand !== void 0) {
    const timeoutSeconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
    inputs.push({ origin: "command", read: () => readCommandOutput(sqlCommand, { cwd: io.cwd, env: io.env, stderr: io.stderr, timeoutSeconds, maxBytes }) });
  }
  const sources = [];
  const problems = [];
  for (const { origin, read } of inputs) {
    try {
      const source = await read();
      checkStatements(source, origin);
      sources.push(source);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (sources.length === 0) throw new UsageError(problems.join("\nlocklint: "));
  return { sources, problems };
}
function stdinByDefault(io) {
  if (io.stdin.isTTY) throw new UsageError("no input: name SQL files, or pipe SQL in, e.g. `alembic upgrade head --sql | locklint`");
  return "-";
}
function reportUnread(inputs, io) {
  for (const problem of inputs.problems) io.stderr.write(`locklint: ${problem}
`);
}
async function readEveryInput(files, io, options) {
  const { sources, problems } = await readInputs(files, io, options);
  if (problems.length > 0) throw new UsageError(problems.join("\nlocklint: "));
  return sources;
}
function unreadInputsExit(inputs, code) {
  return inputs.problems.length > 0 ? EXIT_USAGE : code;
}
function rangeOf(options) {
  if (options.since && options.revision) throw new UsageError("give --since or --revision, not both");
  return options.since || options.revision ? { since: options.since, revision: options.revision } : void 0;
}
function checkRange(options, revisions) {
  const wanted = options.since ?? options.revision;
  if (wanted && !revisions.has(wanted)) throw new UsageError(`revision ${wanted} is not in the input (no "-- Running upgrade ... -> ${wanted}" line)`);
}

// src/cli/commands/lint.ts
function declareLint(program2) {
  const command = program2.command("lint", { isDefault: true }).description("report risky statements: findings with lock facts and the safe alternative (the default command)");
  return addReportOptions(addInputOptions(addLintOptions(command).addOption(settingOption("alembicDir")))).addOption(verboseOption());
}
async function runLint(files, cliOptions, command, io) {
  const config = configFor(cliOptions.config, io);
  const options = withConfig(cliOptions, config, command);
  const outputs = outputsOf(options, inputsOf(files, options, config));
  const rules = configuredRules(cliOptions.rules, config);
  const { key } = SETTINGS.alembicDir;
  const migrationFiles = options.alembicDir ? indexMigrationFiles(options.alembicDir, cliOptions.alembicDir ? `--${key}` : `${config?.path}: ${key}`) : void 0;
  const inputs = await readInputs(files, io, options);
  reportUnread(inputs, io);
  const lint = await lintSources(inputs.sources, rules, options, config, {
    range: rangeOf(options),
    assumeInTransaction: options.assumeInTransaction,
    locate: migrationFiles && migrationLocator(migrationFiles)
  });
  checkRange(options, lint.revisions);
  return unreadInputsExit(inputs, await reportFindings(lint, outputs, options, io));
}

// src/cli/commands/locks.ts
function declareLocks(program2) {
  return addReportOptions(
    addInputOptions(program2.command("locks").description("show the lock every statement takes: relation, mode, what it blocks, rewrite, scan"))
  ).addOption(verboseOption());
}
var LOCKS_REPORTS = {
  text: (statements, timelines, colors) => formatLocksText(statements, timelines, colors),
  json: (statements, timelines) => formatLocksJson(statements, timelines),
  github: "findings only",
  markdown: "findings only",
  sarif: "findings only"
};
async function runLocks(files, cliOptions, command, io) {
  const config = configFor(cliOptions.config, io);
  const options = withConfig(cliOptions, config, command);
  const outputs = outputsOf(options, inputsOf(files, options, config));
  const inputs = await readInputs(files, io, options);
  reportUnread(inputs, io);
  await loadParser();
  const sizes = await loadSizes(options, config);
  const startingSchema = await startingSchemaOf(options);
  const analysis = analyze(inputs.sources, {
    startingSchema,
    pgVersion: options.pgVersion,
    rules: [],
    keepStatements: true,
    sizes,
    range: rangeOf(options),
    assumeInTransaction: options.assumeInTransaction
  });
  checkRange(options, analysis.revisions);
  const timelines = buildTimelines(analysis.analyzed);
  await writeOutputs(outputs, options, io, (format, colors) => {
    const render = LOCKS_REPORTS[format];
    if (render === "findings only") throw new UsageError(`locklint locks has no ${format} format: use text or json`);
    const report = render(analysis.analyzed, timelines, colors);
    return format === "text" && options.verbose ? followedBy(report, unmodelledReport(analysis.unmodelled, colors)) : report;
  });
  if (reportInternalErrors(analysis, io)) return EXIT_INTERNAL;
  return unreadInputsExit(inputs, EXIT_OK);
}
function* followedBy(report, more) {
  yield* report;
  yield* more;
}

// src/cli/commands/rules.ts
function declareRules(program2) {
  return program2.command("rules").description("list the rule catalog: id, severity, on or off by default, the lock its example takes, summary").addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"));
}
async function runRules2(options, io) {
  await loadParser();
  const catalog = RULES.map((rule) => ({
    id: rule.id,
    severity: rule.severity,
    default: !rule.optional,
    lock: lockSummary(exampleFindings(rule)),
    summary: rule.summary
  }));
  io.stdout.write(CATALOG_FORMATS[options.format](catalog));
  return EXIT_OK;
}
var CATALOG_FORMATS = {
  text: formatCatalog,
  json: (rows) => JSON.stringify({ rules: rows }, null, 2) + "\n"
};
function formatCatalog(rows) {
  const width = Math.max(...rows.map((r) => r.id.length));
  const indent = " ".repeat(width + 21);
  const lines = rows.map(
    (r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${(r.default ? "on" : "off").padEnd(7)}  ${r.summary}
${indent}lock: ${r.lock}`
  );
  return `${"RULE".padEnd(width)}  SEVERITY  DEFAULT  SUMMARY
${lines.join("\n")}

${rows.length} rules; \`locklint explain <rule>\` prints one rule's documentation
`;
}

// src/cli/commands/stats.ts
function declareStats(program2) {
  const command = program2.command("stats").description("read table sizes and row counts from a database (read-only) into a stats file for lock-time estimates").option(
    "--db-url <url>",
    "postgres://user:password@host:port/database, or host=... user=... password=... dbname=... (default: $DATABASE_URL); the password is never printed"
  ).option("-o, --output <file>", "where to write the stats JSON", "locklint-stats.json");
  return addTimeoutOptions(command, "on the server");
}
async function runStats(options, io) {
  const url = options.dbUrl ?? io.env.DATABASE_URL;
  if (!url) throw new UsageError("no database: give --db-url postgres://... or set DATABASE_URL");
  const stats = await collectStats(url, { lockMs: options.lockTimeout, statementMs: options.statementTimeout });
  await writeReportFile(options.output, JSON.stringify(stats, null, 2) + "\n");
  io.stdout.write(`wrote ${plural(stats.tables.length, "table")} of ${stats.source} (PostgreSQL ${stats.server.version}) to ${options.output}
`);
  return EXIT_OK;
}

// src/trace/catalog.ts
async function relationFiles(db) {
  const rows = (await db.query(
    `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, c.relfilenode::text AS file
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`
  )).rows;
  return new Map(rows.map((r) => [r.name, r.file]));
}
async function sequentialReads(db) {
  const rows = (await db.query(
    `SELECT CASE WHEN s.schemaname = 'public' THEN s.relname ELSE s.schemaname || '.' || s.relname END AS name,
              s.seq_tup_read::float8 AS read, GREATEST(c.reltuples, 0)::float8 AS rows
       FROM pg_stat_xact_user_tables s JOIN pg_class c ON c.oid = s.relid`
  )).rows;
  return new Map(rows.map((r) => [r.name, { read: r.read, rows: r.rows }]));
}
async function heldLocks(db) {
  const rows = (await db.query(
    `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, l.mode, c.relkind::text AS kind
       FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'i', 'I', 'm')
         AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`
  )).rows;
  const held = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const mode = lockModeFromPgLocks(row.mode);
    if (!mode) continue;
    const before = held.get(row.name);
    held.set(row.name, { mode: before ? stronger(before.mode, mode) : mode, index: row.kind === "i" || row.kind === "I" });
  }
  return held;
}

// src/trace/guard.ts
var STEPS = {
  TRANS_STMT_BEGIN: "begin",
  TRANS_STMT_START: "begin",
  TRANS_STMT_COMMIT: "commit",
  TRANS_STMT_ROLLBACK: "rollback",
  TRANS_STMT_PREPARE: "prepare",
  TRANS_STMT_SAVEPOINT: "savepoint",
  TRANS_STMT_RELEASE: "release",
  TRANS_STMT_ROLLBACK_TO: "rollback-to"
};
var NOT_ROLLED_BACK_FUNCTIONS = /* @__PURE__ */ new Set([
  "setval",
  "nextval",
  "dblink",
  "dblink_exec",
  "dblink_send_query",
  "pg_terminate_backend",
  "pg_cancel_backend",
  "pg_reload_conf",
  "pg_rotate_logfile",
  "pg_switch_wal",
  "pg_create_restore_point",
  "pg_logical_emit_message",
  "lo_export",
  "lo_import",
  "pg_file_write",
  "pg_file_rename",
  "pg_file_unlink",
  "pg_stat_reset",
  "pg_stat_reset_shared",
  "pg_stat_reset_single_table_counters",
  "pg_create_physical_replication_slot",
  "pg_create_logical_replication_slot",
  "pg_drop_replication_slot"
]);
var RESERVED_SAVEPOINT = /^locklint_/i;
var NONE = { transaction: null, refused: null, notRolledBack: null, changesTimeouts: false };
function guardOf2(sql) {
  let stmts;
  try {
    stmts = parseTree(sql).stmts ?? [];
  } catch {
    return { ...NONE, refused: { reason: "locklint cannot parse it, so it cannot check that it keeps trace's transaction", serverOnly: true } };
  }
  if (stmts.length > 1) return { ...NONE, refused: { reason: "it holds several statements, which trace cannot check one by one", serverOnly: true } };
  return stmts[0] ? guardOfNode(stmts[0].stmt) : NONE;
}
function guardsOf(sql) {
  try {
    return (parseTree(sql).stmts ?? []).map((s) => guardOfNode(s.stmt));
  } catch {
    return null;
  }
}
function guardOfNode(stmt) {
  if (!stmt) return NONE;
  const [kind, body3] = nodeKind(stmt);
  if (kind === "TransactionStmt") return transactionGuard(body3);
  if (kind === "CopyStmt") return { ...NONE, refused: copyRefusal(body3) };
  if (kind === "VariableSetStmt")
    return { ...NONE, changesTimeouts: body3.kind === "VAR_RESET_ALL" || /^(lock|statement)_timeout$/i.test(String(body3.name ?? "")) };
  if (kind === "VacuumStmt" && !body3.is_vacuumcmd) return { ...NONE, notRolledBack: "ANALYZE writes the table statistics (pg_class.reltuples) in place" };
  const called = calledFunctions(stmt).find((name) => NOT_ROLLED_BACK_FUNCTIONS.has(name));
  return called ? { ...NONE, notRolledBack: `${called}() is not undone by a rollback` } : NONE;
}
function transactionGuard(body3) {
  const kind = body3.kind;
  if (kind === void 0) return NONE;
  if (kind === "TRANS_STMT_COMMIT_PREPARED" || kind === "TRANS_STMT_ROLLBACK_PREPARED") {
    return {
      ...NONE,
      refused: {
        reason: `${kind === "TRANS_STMT_COMMIT_PREPARED" ? "COMMIT" : "ROLLBACK"} PREPARED ends a prepared transaction outside trace's own`,
        serverOnly: true
      }
    };
  }
  const step2 = STEPS[kind];
  if (step2 === "savepoint" || step2 === "release" || step2 === "rollback-to") {
    const name = String(body3.savepoint_name ?? "");
    if (RESERVED_SAVEPOINT.test(name)) return { ...NONE, refused: { reason: `the savepoint name ${name} is trace's own (rename it)`, serverOnly: false } };
    return { ...NONE, transaction: { step: step2, name } };
  }
  if (body3.chain && (step2 === "commit" || step2 === "rollback"))
    return { ...NONE, transaction: { step: step2 === "commit" ? "commit-and-chain" : "rollback-and-chain" } };
  return { ...NONE, transaction: { step: step2 } };
}
function copyRefusal(body3) {
  if (body3.is_program) return { reason: `COPY ... ${body3.is_from ? "FROM" : "TO"} PROGRAM runs a command on the database host`, serverOnly: true };
  if (!body3.filename)
    return {
      reason: `COPY ... ${body3.is_from ? "FROM STDIN" : "TO STDOUT"}: trace ${body3.is_from ? "has no data to send (psql sends the lines after it)" : "reads no COPY data"}`,
      serverOnly: false
    };
  if (!body3.is_from) return { reason: "COPY ... TO a file writes on the database host", serverOnly: true };
  return null;
}
function calledFunctions(stmt) {
  const names2 = [];
  const insideCreate = nodeKind(stmt)[0] === "CreateStmt";
  walk(stmt, (kind, body3) => {
    if (kind === "FuncCall") names2.push((nameList(body3.funcname).at(-1) ?? "").toLowerCase());
    if (kind === "Constraint" && body3.contype === "CONSTR_DEFAULT" && insideCreate) return "skip";
    if (kind === "AlterTableCmd" && body3.subtype === "AT_ColumnDefault") return "skip";
  });
  return names2;
}

// src/trace/seed.ts
async function seedTables(db, rows, existing) {
  const tables = await userTables(db);
  const skipped = [];
  const guarded2 = async (sql) => {
    if (db.server) await db.exec("SAVEPOINT locklint_seed");
    try {
      await db.exec(sql);
      if (db.server) await db.exec("RELEASE SAVEPOINT locklint_seed");
      return null;
    } catch (error) {
      if (db.server) await db.exec("ROLLBACK TO SAVEPOINT locklint_seed");
      return error instanceof Error ? error.message : String(error);
    }
  };
  const replica = await guarded2("SET LOCAL session_replication_role = replica");
  if (replica && db.server) return [`no table seeded: foreign keys cannot be bypassed (${replica})`];
  if (!db.server) await db.exec("SET session_replication_role = replica");
  try {
    for (const table2 of tables) {
      const empty = (await db.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table2.name} LIMIT 1) x`)).rows[0].n === 0;
      if (!empty) continue;
      if (existing?.has(table2.name)) {
        skipped.push(`${table2.name}: a table of the server (its statistics and sequences would outlive the rollback)`);
        continue;
      }
      const columns = (await db.query(
        `SELECT quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
                  a.atthasdef AS hasdefault, t.typtype::text AS typtype, a.attidentity::text AS identity, a.attgenerated::text AS generated
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [table2.oid]
      )).rows;
      const chosen = [];
      let unfillable = null;
      for (const c of columns) {
        if (c.generated || c.identity === "a" || c.hasdefault && !c.notnull) continue;
        const value = valueFor(c.type, c.typtype);
        if (value) chosen.push({ name: c.name, value });
        else if (c.notnull && !c.hasdefault) unfillable = `${c.name} ${c.type}`;
      }
      if (unfillable) {
        skipped.push(`${table2.name}: no value for NOT NULL column ${unfillable}`);
        continue;
      }
      const failed2 = await guarded2(
        chosen.length ? `INSERT INTO ${table2.name} (${chosen.map((c) => c.name).join(", ")}) SELECT ${chosen.map((c) => c.value).join(", ")} FROM generate_series(1, ${rows}) g` : `INSERT INTO ${table2.name} SELECT FROM generate_series(1, ${rows}) g`
      );
      if (failed2) skipped.push(`${table2.name}: ${failed2}`);
    }
  } finally {
    if (!db.server) await db.exec("RESET session_replication_role");
    else await db.exec("SET LOCAL session_replication_role = origin");
  }
  await analyzeTables(db, existing);
  return skipped;
}
async function analyzeTables(db, existing) {
  if (!db.server) {
    await db.exec("ANALYZE");
    return;
  }
  const created = (await userTables(db)).map((t) => t.name).filter((name) => !existing?.has(name));
  if (created.length) await db.exec(`ANALYZE ${created.join(", ")}`);
}
async function userTables(db) {
  return (await db.query(
    `SELECT c.oid::int AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' AND c.relname <> 'alembic_version'`
  )).rows;
}
function valueFor(type, typtype) {
  const base = type.replace(/\[\]$/, "");
  if (type.endsWith("[]")) return "'{}'";
  if (typtype === "e") return `(enum_range(NULL::${base}))[1]`;
  if (/^(smallint)$/.test(base)) return "(g % 32000)::smallint";
  if (/^(integer|bigint|numeric.*|real|double precision)$/.test(base)) return `g::${base}`;
  const varchar = /^character varying\((\d+)\)$/.exec(base) ?? /^character\((\d+)\)$/.exec(base);
  if (varchar) return `left('v' || g, ${varchar[1]})`;
  if (/^(text|character varying|citext)$/.test(base)) return "'value ' || g";
  if (base === "boolean") return "(g % 2 = 0)";
  if (/^(timestamp|date|time)/.test(base)) return `now()::${base}`;
  if (base === "uuid") return "md5(g::text)::uuid";
  if (base === "json" || base === "jsonb") return `'{}'::${base}`;
  if (base === "bytea") return "''::bytea";
  if (base === "interval") return "interval '1 day'";
  if (base === "inet") return "'127.0.0.1'::inet";
  return null;
}

// src/trace/trace.ts
var SAVEPOINT = "locklint_trace";
var SCRIPT = "locklint_script";
var NOTHING = { ms: 0, error: null, locks: [], held: [], rewritten: [], scanned: [], withRows: [] };
async function trace(statements, options = {}) {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const start = performance.now();
  const db = options.dbUrl ? await serverDatabase(options.dbUrl, timeouts) : await embeddedDatabase(timeouts);
  const coldStartMs = performance.now() - start;
  const run2 = {
    db,
    timeouts,
    allowCommit: options.allowCommit === true,
    inScriptTransaction: false,
    savepoints: [],
    notRolledBack: [],
    transactionId: null
  };
  try {
    if (db.server) await beginServerTransaction(run2);
    const existing = db.server ? await userRelations(db) : void 0;
    if (options.setupSql) await stopping(run2, "in --setup", () => runSetup(run2, options.setupSql));
    const reportFrom = firstReported(statements, options.since);
    let seedSkipped = [];
    const prepareReported = async () => {
      if (run2.inScriptTransaction && !db.server) await db.exec("COMMIT");
      const rows = options.seedRows;
      if (rows) seedSkipped = await stopping(run2, "while seeding", () => seedTables(db, rows, existing?.tables));
      else await stopping(run2, "while analysing the tables", () => analyzeTables(db, existing?.tables));
      if (run2.inScriptTransaction && !db.server) await db.exec("BEGIN");
    };
    const traced = [];
    for (const [index, analyzed] of statements.entries()) {
      if (index === reportFrom) await prepareReported();
      const where = `at ${analyzed.statement.file.path}:${analyzed.statement.startPos.line}`;
      const observed = await stopping(run2, where, () => step(run2, analyzed));
      if (db.server) await checkTransaction(run2, where);
      const reported = index >= reportFrom;
      traced.push({ analyzed, observed: reported ? observed : null, differences: reported ? compare(analyzed, observed) : [] });
    }
    if (options.seedRows && reportFrom >= statements.length) await prepareReported();
    if (existing) await stopping(run2, "at the end", () => advancedSequences(run2, existing.sequences));
    if (run2.inScriptTransaction || db.server) await db.exec("ROLLBACK");
    return {
      where: options.dbUrl ? redactUrl(options.dbUrl) : "embedded PostgreSQL",
      statements: traced,
      coldStartMs,
      seedSkipped,
      notRolledBack: run2.notRolledBack
    };
  } finally {
    await db.close();
  }
}
async function stopping(run2, where, work) {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof TraceStopped)) throw error;
    throw new UsageError(`trace stopped ${where}: ${error.message}${afterStop(run2)}`);
  }
}
function afterStop(run2) {
  if (!run2.db.server) return "";
  return run2.notRolledBack.length ? `; not rolled back: ${run2.notRolledBack.join("; ")}` : "; nothing was committed";
}
async function beginServerTransaction(run2) {
  await run2.db.exec("BEGIN");
  await run2.db.exec("SET LOCAL max_parallel_maintenance_workers = 0; SET LOCAL max_parallel_workers_per_gather = 0");
  run2.transactionId = (await run2.db.query("SELECT txid_current()::text AS id")).rows[0].id;
}
async function checkTransaction(run2, where) {
  const now = (await run2.db.query("SELECT txid_current()::text AS id")).rows[0].id;
  if (now === run2.transactionId) return;
  const listed2 = run2.notRolledBack.length ? `; not rolled back besides: ${run2.notRolledBack.join("; ")}` : "";
  throw new UsageError(`trace stopped ${where}: the statement ended the transaction trace opened, so the work before it may be committed${listed2}`);
}
async function runSetup(run2, sql) {
  const guards = guardsOf(sql);
  if (!guards && run2.db.server)
    throw new UsageError("the --setup SQL cannot run: locklint cannot parse it, so it cannot check that it keeps trace's transaction");
  for (const guard of guards ?? []) {
    const problem = guard.refused && (run2.db.server || !guard.refused.serverOnly) ? guard.refused.reason : run2.db.server ? guard.transaction ? "it controls the transaction, which trace owns on a server" : guard.notRolledBack : null;
    if (problem) throw new UsageError(`the --setup SQL cannot run: ${problem}`);
  }
  const failed2 = await runCaught(run2.db, sql);
  if (failed2) throw new UsageError(`the --setup SQL failed: ${failed2}`);
}
async function step(run2, analyzed) {
  const sql = analyzed.statement.sql;
  const guard = guardOf2(sql);
  const refusal = refusalOf(run2, guard);
  if (refusal) return { ...NOTHING, locks: null, error: `not run: ${refusal}` };
  if (guard.transaction)
    return {
      ...NOTHING,
      error: run2.db.server ? await serverTransactionStep(run2, guard.transaction) : await embeddedTransactionStep(run2, guard.transaction, sql)
    };
  if (run2.db.server && !analyzed.effects.transactional && !run2.inScriptTransaction) return runOutsideTransaction(run2, analyzed);
  if (run2.db.server && guard.notRolledBack) run2.notRolledBack.push(`${placeOf(analyzed)}: ${guard.notRolledBack}`);
  const observed = await observe(run2.db, analyzed, run2.inScriptTransaction || run2.db.server);
  if (run2.db.server && guard.changesTimeouts) await run2.db.exec(timeoutSettings(run2.timeouts));
  return observed;
}
function refusalOf(run2, guard) {
  if (guard.refused && (run2.db.server || !guard.refused.serverOnly)) return guard.refused.reason;
  if (run2.db.server && guard.notRolledBack && !run2.allowCommit)
    return `${guard.notRolledBack}, and trace rolls everything back on a server (--allow-commit runs it and lists it)`;
  return null;
}
var quoted = (name) => `"${name.replace(/"/g, '""')}"`;
var placeOf = (analyzed) => `${analyzed.statement.file.path}:${analyzed.statement.startPos.line}`;
var NOT_PREPARED = "not run: PREPARE TRANSACTION would hand trace's transaction to the server, beyond its rollback";
var STEP_NAMES = {
  "commit-and-chain": "COMMIT AND CHAIN",
  "rollback-and-chain": "ROLLBACK AND CHAIN",
  savepoint: "SAVEPOINT",
  release: "RELEASE SAVEPOINT",
  "rollback-to": "ROLLBACK TO SAVEPOINT"
};
async function embeddedTransactionStep(run2, step2, sql) {
  const error = await runCaught(run2.db, sql);
  if (error) return error;
  if (step2.step === "begin") run2.inScriptTransaction = true;
  if (step2.step === "commit" || step2.step === "rollback" || step2.step === "prepare") run2.inScriptTransaction = false;
  return null;
}
async function serverTransactionStep(run2, step2) {
  const db = run2.db;
  if (!run2.inScriptTransaction) {
    if (step2.step === "begin") {
      await db.exec(`SAVEPOINT ${SCRIPT}`);
      run2.inScriptTransaction = true;
      run2.savepoints = [];
      return null;
    }
    if (step2.step === "commit" || step2.step === "rollback") return null;
    if (step2.step === "prepare") return NOT_PREPARED;
    return `${STEP_NAMES[step2.step]} can only be used in transaction blocks`;
  }
  switch (step2.step) {
    case "begin":
      return null;
    case "commit":
      await db.exec(`RELEASE SAVEPOINT ${SCRIPT}`);
      run2.inScriptTransaction = false;
      return null;
    case "prepare":
      await db.exec(`RELEASE SAVEPOINT ${SCRIPT}`);
      run2.inScriptTransaction = false;
      return `${NOT_PREPARED} (the script's transaction ends here as if committed)`;
    case "rollback":
      await db.exec(`ROLLBACK TO SAVEPOINT ${SCRIPT}; RELEASE SAVEPOINT ${SCRIPT}`);
      run2.inScriptTransaction = false;
      return null;
    case "commit-and-chain":
      await db.exec(`RELEASE SAVEPOINT ${SCRIPT}; SAVEPOINT ${SCRIPT}`);
      run2.savepoints = [];
      return null;
    case "rollback-and-chain":
      await db.exec(`ROLLBACK TO SAVEPOINT ${SCRIPT}`);
      run2.savepoints = [];
      return null;
    case "savepoint":
      await db.exec(`SAVEPOINT ${quoted(step2.name)}`);
      run2.savepoints.push(step2.name);
      return null;
    case "release":
    case "rollback-to": {
      const at2 = run2.savepoints.lastIndexOf(step2.name);
      if (at2 < 0) return `savepoint "${step2.name}" does not exist`;
      await db.exec(`${step2.step === "release" ? "RELEASE" : "ROLLBACK TO"} SAVEPOINT ${quoted(step2.name)}`);
      run2.savepoints.length = step2.step === "release" ? at2 : at2 + 1;
      return null;
    }
  }
}
async function runOutsideTransaction(run2, analyzed) {
  if (!run2.allowCommit) {
    return {
      ...NOTHING,
      locks: null,
      error: `not run: ${analyzed.effects.nonTransactionalReason ?? "it"} cannot run inside a transaction block, and trace rolls everything back on a server (--allow-commit commits the work so far and runs it)`
    };
  }
  await run2.db.exec("COMMIT");
  run2.notRolledBack.push(`${placeOf(analyzed)}: committed all the work before it, then ran ${oneLine(analyzed.statement.sql, 60)} outside a transaction`);
  const t = performance.now();
  const error = await runCaught(run2.db, analyzed.statement.sql);
  const ms = performance.now() - t;
  await beginServerTransaction(run2);
  return { ...NOTHING, ms, error, locks: null };
}
async function userRelations(db) {
  const rows = (await db.query(
    `SELECT c.oid::int8::text AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'S') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`
  )).rows;
  return { tables: new Set(rows.filter((r) => r.kind !== "S").map((r) => r.name)), sequences: rows.filter((r) => r.kind === "S") };
}
async function advancedSequences(run2, sequences) {
  for (const sequence of sequences) {
    await run2.db.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const value = (await run2.db.query("SELECT currval($1::oid::regclass)::text AS v", [sequence.oid])).rows[0].v;
      run2.notRolledBack.push(`sequence ${sequence.name} advanced to ${value} (sequences are never rolled back)`);
      await run2.db.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    } catch (error) {
      if (error instanceof TraceStopped) throw error;
      await run2.db.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    }
  }
}
function firstReported(statements, since2) {
  if (!since2) return 0;
  const last = statements.findLastIndex((s) => s.place.revision?.id === since2);
  if (last < 0) return statements.length;
  const next = statements.findIndex((s, i) => i > last && s.place.revision?.id !== since2);
  return next < 0 ? statements.length : next;
}
async function runCaught(db, sql) {
  try {
    await db.exec(sql);
    return null;
  } catch (error) {
    if (error instanceof TraceStopped) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}
async function observe(db, analyzed, inScriptTransaction) {
  const sql = analyzed.statement.sql;
  if (!analyzed.effects.transactional && !inScriptTransaction) {
    const t2 = performance.now();
    const error2 = await runCaught(db, sql);
    return { ...NOTHING, ms: performance.now() - t2, error: error2, locks: null };
  }
  await db.exec(inScriptTransaction ? `SAVEPOINT ${SAVEPOINT}` : "BEGIN");
  const files = await relationFiles(db);
  const reads = await sequentialReads(db);
  const before = await heldLocks(db);
  const t = performance.now();
  const error = await runCaught(db, sql);
  const ms = performance.now() - t;
  if (error) {
    await db.exec(inScriptTransaction ? `ROLLBACK TO SAVEPOINT ${SAVEPOINT}` : "ROLLBACK");
    return { ...NOTHING, ms, error, locks: null };
  }
  const locks = [];
  const held = [];
  for (const [relation2, now] of await heldLocks(db)) {
    if (now.index) continue;
    const previous = before.get(relation2)?.mode ?? null;
    held.push({ relation: relation2, mode: now.mode, before: previous });
    if (!previous || stronger(previous, now.mode) !== previous) locks.push({ relation: relation2, mode: now.mode });
  }
  const rewritten = [...await relationFiles(db)].filter(([name, file]) => files.has(name) && files.get(name) !== file).map(([name]) => name);
  const readsAfter = [...await sequentialReads(db)].filter(([, now]) => now.rows > 0);
  const scanned = readsAfter.filter(([name, now]) => now.read - (reads.get(name)?.read ?? 0) >= now.rows).map(([name]) => name);
  await db.exec(inScriptTransaction ? `RELEASE SAVEPOINT ${SAVEPOINT}` : "COMMIT");
  return { ms, error: null, locks, held, rewritten, scanned, withRows: readsAfter.map(([name]) => name) };
}
var bare = (relation2) => relation2.replace(/^public\./, "").replace(/"/g, "");
function compare(analyzed, observed) {
  if (observed.error || observed.locks === null) return [];
  const differences = [];
  const predicted = new Map(analyzed.effects.locks.map((l) => [bare(l.relation), l]));
  const renamed = /* @__PURE__ */ new Map();
  for (const { operation } of analyzed.effects.operations) {
    if (operation.op === "rename-table") renamed.set(operation.newName, bare(operation.table.written));
    if (operation.op === "rename-index") renamed.set(operation.newName, bare(operation.index.written));
    if (operation.op === "set-schema") renamed.set(bare(`${operation.newSchema}.${operation.relation.name}`), bare(operation.relation.written));
  }
  const held = new Map(observed.held.map((h) => [renamed.get(h.relation) ?? h.relation, h]));
  const rowSearch2 = analyzed.effects.operations.some((e) => e.operation.op === "update" || e.operation.op === "delete");
  for (const [relation2, lock] of predicted) {
    if (lock.novelty === "created by this statement" || lock.kind === "index") continue;
    const now = held.get(relation2);
    if (now) {
      const expected = now.before ? stronger(now.before, lock.mode) : lock.mode;
      if (now.mode !== expected)
        differences.push(`${relation2}: predicted ${lock.mode}, observed ${now.mode}${now.before ? ` (held ${now.before} before)` : ""}`);
    }
    if (lock.rewrite !== observed.rewritten.includes(relation2) && !renamed.has(relation2))
      differences.push(`${relation2}: predicted ${lock.rewrite ? "a rewrite" : "no rewrite"}, observed ${lock.rewrite ? "none" : "one"}`);
    if (!rowSearch2 && observed.withRows.includes(relation2) && !lock.rewrite && lock.scan !== observed.scanned.includes(relation2)) {
      differences.push(`${relation2}: predicted ${lock.scan ? "a full scan" : "no full scan"}, observed ${lock.scan ? "none" : "one"}`);
    }
  }
  for (const { relation: relation2, mode } of observed.locks) {
    if (!predicted.has(renamed.get(relation2) ?? relation2)) differences.push(`${relation2}: observed ${mode}, not predicted`);
  }
  return differences;
}

// src/trace/report.ts
function formatTraceText(result2, findings, c) {
  const out = [];
  const rows = [];
  for (const { analyzed, observed } of result2.statements) {
    if (!observed) continue;
    const { statement, place, effects } = analyzed;
    const predicted = effects.locks.filter((l) => l.kind !== "index").map((l) => `${l.relation} ${l.mode}${l.rewrite ? " rewrite" : l.scan ? " scan" : ""}`);
    const seen = observed.error ? [`error: ${observed.error}`] : observed.locks === null ? ["(outside a transaction: not observable)"] : observedLines(analyzed, observed);
    const lines = Math.max(predicted.length, seen.length, 1);
    for (let i = 0; i < lines; i++) {
      rows.push(
        i === 0 ? [
          String(statement.startPos.line),
          place.revision?.id ?? "-",
          oneLine(statement.sql, 44),
          predicted[i] ?? "-",
          seen[i] ?? "",
          `${observed.ms.toFixed(1)} ms`
        ] : ["", "", "", predicted[i] ?? "", seen[i] ?? "", ""]
      );
    }
  }
  const headers = ["LINE", "REVISION", "STATEMENT", "PREDICTED", "OBSERVED", "TIME"];
  for (const line of formatTable(headers, rows, c)) out.push(line);
  out.push("");
  const differences = result2.statements.filter((s) => s.differences.length > 0);
  const errors = result2.statements.filter((s) => s.observed?.error);
  for (const s of differences) {
    out.push(
      `${c.yellow("differs")}  ${visibleText(s.analyzed.statement.file.path)}:${s.analyzed.statement.startPos.line}  ${visibleText(oneLine(s.analyzed.statement.sql, 60))}`
    );
    for (const d of s.differences) out.push(`  ${visibleText(d)}`);
  }
  for (const s of errors)
    out.push(`${c.red("failed")}  ${visibleText(s.analyzed.statement.file.path)}:${s.analyzed.statement.startPos.line}  ${visibleText(s.observed.error)}`);
  for (const skipped of result2.seedSkipped) out.push(`${c.dim("not seeded")}  ${visibleText(skipped)}`);
  for (const left of result2.notRolledBack) out.push(`${c.yellow("not rolled back")}  ${visibleText(left)}`);
  if (findings.length > 0) {
    out.push("", c.bold(`Findings (the rules, on ${result2.where === "embedded PostgreSQL" ? "the script's schema" : "the server's real schema"}):`), "");
    out.push(formatText(findings, summarize(findings, 1, result2.statements.length), c).trimEnd(), "");
  }
  const traced = result2.statements.filter((s) => s.observed).length;
  const embedded = result2.where === "embedded PostgreSQL";
  const rollback = embedded ? "" : result2.notRolledBack.length ? `, rolled back except ${plural(result2.notRolledBack.length, "thing")} listed above` : ", everything rolled back";
  out.push(
    `${plural(traced, "statement")} traced on ${result2.where} (${embedded ? "cold start" : "connected in"} ${Math.round(result2.coldStartMs)} ms${rollback}): ${differences.length ? plural(differences.length, "disagreement") : "predictions agree"}, ${errors.length ? plural(errors.length, "failure") : "no failures"}`
  );
  return out.join("\n") + "\n";
}
function observedLines(analyzed, observed) {
  const predicted = new Set(analyzed.effects.locks.map((l) => bare(l.relation)));
  const gained = new Set(observed.locks?.map((l) => l.relation));
  return observed.held.filter((h) => gained.has(h.relation) || predicted.has(h.relation)).map((h) => {
    const work = observed.rewritten.includes(h.relation) ? " rewrite" : observed.scanned.includes(h.relation) ? " scan" : "";
    return `${h.relation} ${h.mode}${gained.has(h.relation) ? "" : " (held)"}${work}`;
  });
}
function unmodelledField(operations) {
  const what = unmodelledIn(operations);
  return what === null ? {} : { unmodelled: what };
}
function formatTraceJson(result2, findings) {
  const statements = result2.statements.filter((s) => s.observed).map(({ analyzed: { statement, place, effects }, observed, differences }) => ({
    file: statement.file.path,
    line: statement.startPos.line,
    column: statement.startPos.column,
    revision: place.revision?.id ?? null,
    transaction: place.transaction,
    sql: statement.sql,
    predicted: effects.locks.map((l) => ({ relation: l.relation, kind: l.kind, mode: l.mode, rewrite: l.rewrite, scan: l.scan, new: l.novelty })),
    ...unmodelledField(statement.operations),
    observed: {
      ms: Math.round(observed.ms * 1e3) / 1e3,
      error: observed.error,
      locks: observed.locks,
      rewritten: observed.rewritten,
      scanned: observed.scanned
    },
    differences
  }));
  const summary = {
    statements: statements.length,
    disagreements: statements.filter((s) => s.differences.length > 0).length,
    failures: statements.filter((s) => s.observed.error).length,
    where: result2.where,
    coldStartMs: Math.round(result2.coldStartMs),
    notSeeded: result2.seedSkipped,
    notRolledBack: result2.notRolledBack
  };
  return JSON.stringify({ statements, findings: findings.map(jsonFinding), summary }, null, 2) + "\n";
}

// src/cli/commands/trace.ts
function declareTrace(program2) {
  const command = program2.command("trace").description("run the migration in an embedded PostgreSQL and compare the locks, rewrites and scans it really takes with the prediction").argument("[files...]", "SQL files to read; - for stdin (default: stdin when it is not a terminal)").addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text")).addOption(
    new Option("--pg-version <major>", `PostgreSQL major version of the predictions (${MIN_PG_VERSION}-${MAX_PG_VERSION}; the embedded server is 18)`).argParser(parsePgVersion).default(MAX_PG_VERSION)
  ).option("--setup <file>", "SQL to run first, for a schema the script does not create").addOption(settingOption("maxInputMb")).option("--seed-rows <n>", "fill every empty table with this many rows before the reported statements", parseRowCount).option("--since <revision>", "run the history up to this alembic revision as setup, report only the later revisions").option("--db-url <url>", "trace on this PostgreSQL server instead (everything runs in one transaction, rolled back; the password is never printed)").option(
    "--allow-commit",
    "with --db-url: commit and run the statements that cannot run in a transaction block (CONCURRENTLY, VACUUM), and run ANALYZE and sequence functions; the output lists what was not rolled back"
  ).option("--color", "force colours").option("--no-color", "no colours (also: NO_COLOR=1)");
  return addTimeoutOptions(command, "(embedded or on a server)");
}
async function runTrace(files, options, io) {
  if (options.allowCommit && !options.dbUrl) throw new UsageError("--allow-commit is for --db-url: the embedded database is thrown away anyway");
  const sources = await readEveryInput(files, io, { maxInputMb: options.maxInputMb });
  const setup = options.setup ? await readSourceFile(options.setup) : void 0;
  const timeouts = { lockMs: options.lockTimeout, statementMs: options.statementTimeout };
  const serverSchema = options.dbUrl ? await readServerSchema(options.dbUrl, timeouts) : void 0;
  const startingSchema = [serverSchema, setup].filter((f) => f !== void 0);
  await loadParser();
  const analysis = analyze(sources, {
    pgVersion: options.pgVersion,
    rules: selectRules(void 0),
    keepStatements: true,
    keepBookkeeping: true,
    startingSchema
  });
  const result2 = await trace(analysis.analyzed, {
    setupSql: setup?.text,
    seedRows: options.seedRows,
    since: options.since,
    dbUrl: options.dbUrl,
    allowCommit: options.allowCommit,
    timeouts
  });
  const format = TRACE_FORMATS[options.format];
  io.stdout.write(format(result2, analysis.findings, colorsFor(io.stdout, io.env, options.color)));
  if (reportInternalErrors(analysis, io)) return EXIT_INTERNAL;
  const bad = result2.statements.some((s) => s.differences.length > 0 || s.observed?.error);
  return bad ? EXIT_FINDINGS : EXIT_OK;
}
var TRACE_FORMATS = {
  text: formatTraceText,
  json: (result2, findings) => formatTraceJson(result2, findings)
};

// src/cli/program.ts
function buildProgram(handlers) {
  const program2 = new Command("locklint").description(
    "Lock-risk analyzer for PostgreSQL migrations: reads SQL (above all `alembic upgrade head --sql`) and reports the lock every statement takes and the safe way to do it."
  ).version(packageVersion(), "-V, --version").addHelpText(
    "after",
    `
Examples:
  locklint alembic --since-ref origin/main       in an alembic project: lint the revisions the branch adds
  alembic upgrade head --sql | locklint          lint the SQL of every revision (stdin)
  locklint migration.sql --format json           findings as JSON
  locklint locks migration.sql                   the lock each statement takes
  locklint rules                                 the rule catalog
  locklint explain setting-not-null              one rule's documentation
  locklint lint --help                           the options of the default command

Exit codes: 0 nothing at or above --fail-on, 1 findings that are, 2 usage or input error, or an internal error.`
  ).exitOverride();
  declareLint(program2).action(handlers.lint);
  declareAlembic(program2).action(handlers.alembic);
  declareLocks(program2).action(handlers.locks);
  declareRules(program2).action(handlers.rules);
  declareTrace(program2).action(handlers.trace);
  declareStats(program2).action(handlers.stats);
  declareExplain(program2).action(handlers.explain);
  return program2;
}
async function run(argv, io) {
  let exitCode = EXIT_OK;
  const program2 = buildProgram({
    lint: async (files, options, command) => void (exitCode = await runLint(files, options, command, io)),
    alembic: async (options, command) => void (exitCode = await runAlembic(options, command, io)),
    locks: async (files, options, command) => void (exitCode = await runLocks(files, options, command, io)),
    rules: async (options) => void (exitCode = await runRules2(options, io)),
    stats: async (options) => void (exitCode = await runStats(options, io)),
    trace: async (files, options) => void (exitCode = await runTrace(files, options, io)),
    explain: async (rule) => void (exitCode = await runExplain(rule, io))
  });
  for (const command of [program2, ...program2.commands]) {
    command.configureOutput({
      writeOut: (text2) => io.stdout.write(text2),
      writeErr: (text2) => io.stderr.write(text2),
      // a usage error is one line, as every other exit 2: `locklint: <commander's message> (...)`
      outputError: (text2, write) => write(`locklint: ${text2.replace(/^error: /, "").trimEnd()} (locklint --help lists the options)
`)
    });
  }
  try {
    await program2.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    return failed(error, io);
  }
}
function failed(error, io) {
  if (error instanceof CommanderError) {
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`locklint: ${visible(error.message)}
`);
    return EXIT_USAGE;
  }
  io.stderr.write(`locklint: internal error: ${visible(error instanceof Error ? error.message : String(error))} (please report it)
`);
  return EXIT_USAGE;
}

// src/main.ts
var [major] = process.versions.node.split(".").map(Number);
if (major < 20) {
  process.stderr.write(`locklint: needs Node.js 20 or later; this is ${process.version} (${process.execPath})
`);
  process.exit(2);
}
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  process.stderr.write(`locklint: ${stdoutFailure(error)}
`);
  process.exit(EXIT_USAGE);
});
process.exitCode = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env
});
