// The actions on one instance, each behind a confirmation dialog that shows the server's refusal verbatim.
// Which buttons show follows the status; the server applies the engine's rules either way.
import { useState } from 'preact/hooks';
import type { InstanceJson } from '../api-types.js';
import { api } from './api.js';
import { TERMINAL } from './status.js';

type Verb = 'raise' | 'suspend' | 'resume' | 'terminate' | 'purge' | 'rewind' | 'restart';

const TITLES: Record<Verb, string> = {
  raise: 'Raise an event',
  suspend: 'Suspend',
  resume: 'Resume',
  terminate: 'Terminate',
  purge: 'Purge',
  rewind: 'Rewind',
  restart: 'Restart',
};

function parseJsonField(text: string, field: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${field} is not valid JSON: ${(error as Error).message}`);
  }
}

export function Actions({ instance, onDone }: { instance: InstanceJson; onDone: (message: string, purged: boolean) => void }) {
  const [open, setOpen] = useState<Verb>();
  const terminal = TERMINAL.has(instance.runtimeStatus);
  const recover: Verb[] = instance.runtimeStatus === 'FAILED' ? ['rewind', 'restart'] : ['restart'];
  const verbs: Verb[] = terminal ? [...recover, 'purge'] : ['raise', instance.runtimeStatus === 'SUSPENDED' ? 'resume' : 'suspend', 'terminate'];
  return (
    <div class="actions">
      {verbs.map((v) => (
        <button key={v} class={v === 'terminate' || v === 'purge' ? 'danger' : ''} data-action={v} onClick={() => setOpen(v)}>
          {TITLES[v]}
        </button>
      ))}
      {open && <ActionDialog verb={open} instance={instance} onClose={() => setOpen(undefined)} onDone={(m) => (setOpen(undefined), onDone(m, open === 'purge'))} />}
    </div>
  );
}

function ActionDialog({ verb, instance, onClose, onDone }: { verb: Verb; instance: InstanceJson; onClose: () => void; onDone: (message: string) => void }) {
  const [name, setName] = useState('');
  const [data, setData] = useState('');
  const [reason, setReason] = useState('');
  const [recursive, setRecursive] = useState(true);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = instance.instanceId;

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body =
        verb === 'raise'
          ? { name, data: parseJsonField(data, 'Data') }
          : verb === 'terminate'
            ? { recursive, output: parseJsonField(data, 'Output') }
            : verb === 'purge'
              ? { recursive }
              : verb === 'restart'
                ? { newInstanceId: name || undefined }
                : { reason: reason || undefined };
      const result = await api.act(id, verb, body);
      onDone(result.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label={TITLES[verb]}>
        <h2>
          {TITLES[verb]} <span class="mono">{id}</span>?
        </h2>
        {verb === 'raise' && (
          <>
            <label>
              Event name
              <input name="eventName" value={name} onInput={(e) => setName(e.currentTarget.value)} autoFocus />
            </label>
            <label>
              Data (JSON, optional)
              <textarea name="eventData" rows={3} value={data} onInput={(e) => setData(e.currentTarget.value)} placeholder='{"approved": true}' />
            </label>
          </>
        )}
        {(verb === 'suspend' || verb === 'resume') && (
          <label>
            Reason (optional)
            <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
        )}
        {verb === 'terminate' && (
          <>
            <p>The instance ends TERMINATED. Detached workflows it started are never affected.</p>
            <label>
              Output (JSON, optional)
              <textarea name="output" rows={2} value={data} onInput={(e) => setData(e.currentTarget.value)} />
            </label>
          </>
        )}
        {verb === 'purge' && <p>The instance and its history are deleted for good.</p>}
        {verb === 'rewind' && (
          <>
            <p>The instance goes back to before its failures: failed activities and child workflows run again, what succeeded is kept.</p>
            <label>
              Reason (optional)
              <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
          </>
        )}
        {verb === 'restart' && (
          <>
            <p>The workflow starts again from its original input.</p>
            <label>
              New instance ID (optional; empty reuses this ID)
              <input name="newInstanceId" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
          </>
        )}
        {(verb === 'terminate' || verb === 'purge') && (
          <label class="check">
            <input type="checkbox" name="recursive" checked={recursive} onChange={(e) => setRecursive(e.currentTarget.checked)} />
            also {verb} its child workflows
          </label>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="buttons">
          <button class="ghost" onClick={onClose}>
            Cancel
          </button>
          <button class={verb === 'terminate' || verb === 'purge' ? 'danger' : 'primary'} data-confirm={verb} disabled={busy} onClick={() => void confirm()}>
            {TITLES[verb]}
          </button>
        </div>
      </div>
    </div>
  );
}
