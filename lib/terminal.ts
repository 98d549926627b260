/**
 * Text for a terminal with its control characters written out (`\x1b`), so that a file name or a
 * server's message cannot clear the screen, move the cursor or rewrite what a status line says.
 * Inbox file names come from whoever can write to the inbox; warnings and errors quote them.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
