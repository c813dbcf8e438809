import { expect } from "vitest";

/** vitest types its asymmetric matchers `any`; these give them a type that cannot leak into other code. */
export const containing = (text: string): unknown => expect.stringContaining(text);
export const matching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);
export const anyOf = (type: unknown): unknown => expect.any(type);
export const arrayWith = (items: unknown[]): unknown => expect.arrayContaining(items);
