import type { AppLoadContext } from 'react-router';

const FLASH_COOKIE = 'ly_flash';

/** A one-time message shown after a redirect (e.g. "Integration created"), carried by a short-lived cookie. */
export function setFlash(context: AppLoadContext, message: string) {
  context.setCookie(`${FLASH_COOKIE}=${encodeURIComponent(message.slice(0, 300))}; Path=/; Max-Age=30; HttpOnly; SameSite=Lax`);
}

/** Reads and clears the flash message of this request. */
export function takeFlash(request: Request, context: AppLoadContext): string | null {
  const cookie = request.headers.get('cookie') ?? '';
  const match = cookie.match(/(?:^|;\s*)ly_flash=([^;]*)/);
  if (!match) return null;
  context.setCookie(`${FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
