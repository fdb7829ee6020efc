/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet treats a cell that starts with `=`, `+`,
 * `-` or `@` as a formula, and tab or carriage return can smuggle one past a naive check. csv-writer
 * does not guard against this, so every exported cell is neutralised (`neutraliseCsvCell`, or the same
 * rule applied while encoding in the exports' CSV row writer): the leading single quote makes Excel,
 * LibreOffice and Google Sheets show the text instead of evaluating it.
 */

/** The text of a cell: nothing for null/undefined, nested values as JSON, everything else as String(). */
export function csvCellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Whether a cell starting with this UTF-16 code unit must be neutralised: `=` `+` `-` `@` tab CR. */
export function isFormulaStart(code: number): boolean {
  return code === 61 || code === 43 || code === 45 || code === 64 || code === 9 || code === 13;
}

export function neutraliseCsvCell(value: unknown): string {
  const text = csvCellText(value);
  // A char-code test, not a regular expression: this runs for every cell of a million-row export.
  return text.length !== 0 && isFormulaStart(text.charCodeAt(0)) ? `'${text}` : text;
}

/** UTF-8 byte order mark: without it Excel opens a UTF-8 CSV as Windows-1252 and garbles non-ASCII text. */
export const UTF8_BOM = '\uFEFF';
