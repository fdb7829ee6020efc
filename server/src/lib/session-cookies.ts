/** The httpOnly cookies a browser session lives in (set by the auth routes, read by the access gate and the UI bridge). */
export const ACCESS_COOKIE = 'ly_access';
export const REFRESH_COOKIE = 'ly_refresh';
