// Public library surface: explicit named exports only.
export const VERSION = '0.1.0'
