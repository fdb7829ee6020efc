/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet treats a cell that starts with `=`, `+`,
 * `-` or `@` as a formula, and tab or carriage return can smuggle one past a naive check. csv-writer
 * does not guard against this, so every exported cell goes through `neutraliseCsvCell`: the leading
 * single quote makes Excel, LibreOffice and Google Sheets show the text instead of evaluating it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCsvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** UTF-8 byte order mark: without it Excel opens a UTF-8 CSV as Windows-1252 and garbles non-ASCII text. */
export const UTF8_BOM = '\uFEFF';
