/** A live worker as the API sends it (dates as ISO text). */
export interface WorkerJson {
  workerId: string;
  name: string;
  host: string;
  pid: number;
  workflows: string[];
  activities: string[];
  startedAt: string;
  heartbeatAt: string;
}

// The page's calls to the dashboard API. A refusal becomes an ApiError carrying the server's message.
import type { CountsJson, FamilyJson, HistoryEventJson, InfoJson, InstanceJson, InstancePageJson, TimelineJson } from '../api-types.js';

export class ApiError extends Error {
  readonly status: number;
  readonly parameter?: string;
  constructor(status: number, message: string, parameter?: string) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = (await response.json().catch(() => ({}))) as { error?: { message: string; parameter?: string } };
  if (!response.ok) throw new ApiError(response.status, body.error?.message ?? `HTTP ${response.status}`, body.error?.parameter);
  return body as T;
}

const enc = encodeURIComponent;

export const api = {
  info: () => call<InfoJson>('/api/info'),
  list: (params: URLSearchParams) => call<InstancePageJson>(`/api/instances?${params}`),
  counts: (params: URLSearchParams) => call<CountsJson>(`/api/counts?${params}`),
  instance: (id: string) => call<InstanceJson>(`/api/instances/${enc(id)}`),
  history: (id: string) => call<HistoryEventJson[]>(`/api/instances/${enc(id)}/history`),
  timeline: (id: string) => call<TimelineJson>(`/api/instances/${enc(id)}/timeline`),
  family: (id: string) => call<FamilyJson>(`/api/instances/${enc(id)}/family`),
  workers: () => call<{ workers: WorkerJson[] }>('/api/workers'),
  act: (id: string, verb: string, body: object) =>
    call<{ message: string }>(`/api/instances/${enc(id)}/${verb}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
};
