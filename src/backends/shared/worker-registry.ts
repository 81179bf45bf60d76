// How long a silent worker's announcement is kept: the workers table stays small, and a crashed worker's row
// is gone a day after its last heartbeat (listings look only at recent heartbeats anyway).
export const FORGET_WORKER_AFTER_MS = 24 * 60 * 60 * 1000;
