/** Every mocked API's name: its own module, so that errors may name an API without importing the API contract. */
export type ApiName = 'wukongim' | 'smile' | 'admin';
