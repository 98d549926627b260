import overbewoning from './overbewoning.ts';
import type { RuleDefinition } from './rule.ts';

/** The rule register: every rule the product runs, in the order the register lists them. */
export const RULES: RuleDefinition[] = [overbewoning];
