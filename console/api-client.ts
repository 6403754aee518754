import type { ConsoleRuntimeConfig } from '../lib/console/contract';
import type { Session } from './auth';

/** Calls the console API with the session's bearer token; a non-2xx answer becomes an Error with the API's message. */
export class ApiClient {
  constructor(
    private readonly config: ConsoleRuntimeConfig,
    private readonly session: Session,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== ''));
    const suffix = search.toString() ? `?${search.toString()}` : '';
    return this.request<T>('GET', `${path}${suffix}`);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, JSON.stringify(body));
  }

  private async request<T>(method: string, path: string, body?: string): Promise<T> {
    const response = await fetch(`${this.config.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.session.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    if (response.status === 401) this.onUnauthorized();
    const parsed = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) throw new Error(parsed.error ?? `request failed (${response.status})`);
    return parsed as T;
  }
}
