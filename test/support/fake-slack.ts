/**
 * A loopback fake of Slack for the real @slack/bolt: the Web API methods the bot calls (under
 * `/api/`), a `response_url` sink, a file-upload sink and a Socket Mode WebSocket server, all on one
 * port. It records every request. A driver sends slash commands, events and button presses either
 * signed to the bot's `POST /slack/events` (HTTP mode) or as Socket Mode envelopes, and waits for
 * the ack. See shared/reference/slack-discord-offline.md §1-5, §13-14 for why each detail is so.
 *
 * What users see is modelled too (`ephemerals`, `messages`), with the real rules for follow-ups and
 * channel membership (reference, "Added: what the platforms really do"):
 * - a slash command's `response_url` always adds a new message; `replace_original` /
 *   `delete_original` are ignored there (slackapi/bolt-js#2287, slackapi/bolt-python#1268). They only
 *   act on an interaction's (button press) `response_url`, on the message that holds the button
 *   (https://api.slack.com/interactivity/handling#message_responses).
 * - a public channel the bot never joined (`setChannel(id, { member: false })`) takes
 *   `chat.postMessage` (scope chat:write.public) but answers `conversations.history` and
 *   `files.completeUploadExternal` with `not_in_channel` until `conversations.join` (scope
 *   channels:join; https://api.slack.com/methods/conversations.join). A private channel needs an
 *   invitation: join answers `method_not_supported_for_channel_type`, posting `not_in_channel`.
 *   Channels never declared are ones the bot was invited to (the test workspace's set-up).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export const TEAM_ID = 'T0001';
export const BOT_USER_ID = 'UBOT0001';
export const BOT_ID = 'BBOT0001';
export const APP_ID = 'A0001';

type Json = Record<string, unknown>;

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response` for a response_url, or `upload`. */
  method: string;
  path: string;
  body: Json;
  authorization: string | undefined;
  at: number;
  /** The HTTP status the fake answered with. */
  status: number;
}

/**
 * What `users.info` says about a user (https://api.slack.com/methods/users.info, fields of
 * https://api.slack.com/types/user). `team_id` is the user's own organisation: in a Slack Connect
 * shared channel (https://api.slack.com/apis/channels-between-orgs) people of another organisation
 * run commands in our workspace but keep their own team id. `is_restricted` marks a multi-channel
 * guest, `is_ultra_restricted` a single-channel guest.
 */
export interface FakeUserInfo {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  name?: string;
  /** Default: the workspace's own team. */
  team_id?: string;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

export interface FakeChannel {
  /** A private channel: only an invitation makes the bot a member. */
  isPrivate?: boolean;
  /** Whether the bot is a member (joined or invited). */
  member: boolean;
}

/** An ephemeral message as the user sees it (from a response_url). */
export interface EphemeralMessage {
  /** A fake id, for `actionResponseUrl(id)` (the message that holds a pressed button). */
  id: string;
  /** The path of the response_url that posted it. */
  via: string;
  text: string;
  blocks: unknown;
  deleted: boolean;
}

interface PostedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown;
  metadata?: unknown;
  /** An `in_channel` answer: the path of the slash command's response_url that posted it. */
  via?: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files', 'view']);

function parseBody(raw: string, contentType: string | undefined): Json {
  if (!raw) return {};
  if (contentType?.startsWith('application/json')) return JSON.parse(raw) as Json;
  if (contentType?.startsWith('multipart/')) return { multipart: true, bytes: raw.length };
  const out: Json = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw string
      }
    }
    out[k] = v;
  }
  return out;
}

/** `X-Slack-Signature` / `X-Slack-Request-Timestamp` for a raw body (v0 HMAC-SHA256). */
export function signSlackRequest(
  secret: string,
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface FakeSlack {
  readonly url: string;
  /** The value for SLACK_API_URL. */
  readonly apiUrl: string;
  readonly calls: RecordedCall[];
  /** Messages posted with chat.postMessage (updated in place by chat.update). */
  readonly messages: PostedMessage[];
  /** Ephemeral messages as the user sees them now (replaced or deleted in place by interactions). */
  readonly ephemerals: EphemeralMessage[];
  /** The visible (not deleted) ephemeral messages a response_url's command led to, oldest first. */
  visibleFrom(responseUrl: string): EphemeralMessage[];
  /** The `in_channel` answers a slash command's response_url posted for the whole channel, oldest first. */
  publicFrom(responseUrl: string): PostedMessage[];
  /** Declares a channel and the bot's membership (undeclared channels: the bot is a member). */
  setChannel(id: string, channel: FakeChannel): void;
  /** Whether the bot is a member of a channel now. */
  isMember(id: string): boolean;
  /** The app was installed without this scope: methods needing it answer `missing_scope`. */
  removeScope(scope: 'channels:join'): void;
  /** Calls to one method (or `response`). */
  callsTo(method: string): RecordedCall[];
  /** Waits until `predicate` holds over the calls to `method`; returns them. */
  waitFor(method: string, predicate?: (calls: RecordedCall[]) => boolean, timeoutMs?: number): Promise<RecordedCall[]>;
  /** What `users.info` says about a user (default: a plain member). */
  setUser(userId: string, info: FakeUserInfo): void;
  /** The next `count` calls to `method` get 429 with `Retry-After: seconds`. */
  rateLimit(method: string, seconds: number, count?: number): void;
  /** The next `count` calls to `method` get this HTTP status (e.g. 503). */
  fail(method: string, status: number, count?: number): void;
  /**
   * The next `count` calls to `method` are answered only after `wait`: a number of ms, or a promise
   * the test settles (a slow network at start-up, held for exactly as long as the test needs).
   */
  slow(method: string, wait: number | Promise<unknown>, count?: number): void;
  /**
   * The next `count` calls to `method` take effect (a message is posted) but are never answered: the
   * connection stays open, as when Slack did the work and the answer was lost. Fault-injection tests
   * kill the bot while it waits.
   */
  stall(method: string, count?: number): void;
  /** A fresh slash command response_url on this fake (every post adds a new message). */
  responseUrl(): string;
  /**
   * A fresh interaction (button press) response_url for the ephemeral message `messageId` that holds
   * the button: `replace_original` / `delete_original` act on that message.
   */
  actionResponseUrl(messageId?: string): string;
  /** Socket Mode: resolves once a client is connected and has been sent `hello`. */
  socketConnected(timeoutMs?: number): Promise<void>;
  /** Socket Mode: sends an envelope and resolves with the app's ack (`{envelope_id, payload}`). */
  sendEnvelope(type: 'slash_commands' | 'events_api' | 'interactive', payload: Json, extra?: Json): Promise<Json>;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const messages: PostedMessage[] = [];
  const ephemerals: EphemeralMessage[] = [];
  const channels = new Map<string, FakeChannel>();
  /** Interaction response_url path → the ephemeral message holding the button (if known). */
  const actionTargets = new Map<string, string | undefined>();
  /** Interaction response_url path → the command response_url path its button message came from. */
  const origins = new Map<string, string>();
  let ephemeralCounter = 0;
  const missingScopes = new Set<string>();
  const users = new Map<string, FakeUserInfo>();
  const limits = new Map<string, { seconds: number; count: number }>();
  const failures = new Map<string, { status: number; count: number }>();
  const delays = new Map<string, { wait: number | Promise<unknown>; count: number }>();
  const stalls = new Map<string, number>();
  const sockets = new Set<WebSocket>();
  const pendingAcks = new Map<string, (ack: Json) => void>();
  const connectWaiters: (() => void)[] = [];
  let helloSent = false;
  let tsCounter = 0;
  let envCounter = 0;
  let responseCounter = 0;
  let url = '';

  const nextTs = () => {
    tsCounter += 1;
    return `${1_700_000_000 + tsCounter}.${String(tsCounter).padStart(6, '0')}`;
  };

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  const isMember = (id: string) => channels.get(id)?.member ?? true;
  const notIn = { ok: false, error: 'not_in_channel' };

  function api(method: string, body: Json): Json {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'credits',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
        };
      case 'apps.connections.open':
        return { ok: true, url: `${url.replace('http', 'ws')}/link/?ticket=t${Date.now()}` };
      case 'chat.postMessage': {
        const channel = String(body.channel ?? '');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (channel.startsWith('CNOTIN')) return notIn;
        // chat:write.public: a public channel takes posts without membership; a private one does not.
        if (channels.get(channel)?.isPrivate && !isMember(channel)) return notIn;
        const ts = nextTs();
        messages.push({
          channel,
          ts,
          ...(typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {}),
          text: String(body.text ?? ''),
          blocks: body.blocks,
          ...(body.metadata ? { metadata: body.metadata } : {}),
        });
        return { ok: true, channel, ts, message: { text: body.text, ts, bot_id: BOT_ID } };
      }
      case 'chat.update': {
        const found = messages.find((m) => m.channel === body.channel && m.ts === body.ts);
        if (!found) return { ok: false, error: 'message_not_found' };
        found.text = String(body.text ?? '');
        found.blocks = body.blocks;
        return { ok: true, channel: body.channel, ts: body.ts };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'users.info': {
        const id = String(body.user ?? '');
        const info = users.get(id) ?? {};
        return {
          ok: true,
          user: {
            id,
            team_id: info.team_id ?? TEAM_ID,
            name: info.name ?? id.toLowerCase(),
            is_admin: info.is_admin ?? false,
            is_owner: info.is_owner ?? false,
            is_primary_owner: info.is_primary_owner ?? false,
            is_restricted: info.is_restricted ?? false,
            is_ultra_restricted: info.is_ultra_restricted ?? false,
            is_bot: false,
          },
        };
      }
      case 'conversations.join': {
        if (missingScopes.has('channels:join')) return { ok: false, error: 'missing_scope', needed: 'channels:join' };
        const id = String(body.channel ?? '');
        const known = channels.get(id);
        if (known?.isPrivate) return { ok: false, error: 'method_not_supported_for_channel_type' };
        const already = isMember(id);
        channels.set(id, { ...known, member: true });
        return {
          ok: true,
          channel: { id, name: 'general', is_channel: true, is_private: false, is_member: true },
          ...(already
            ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
            : {}),
        };
      }
      case 'conversations.history': {
        if (!isMember(String(body.channel ?? ''))) return notIn;
        const inChannel = messages.filter((m) => m.channel === body.channel).reverse();
        return {
          ok: true,
          messages: inChannel.map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text,
            bot_id: BOT_ID,
            metadata: m.metadata,
          })),
          has_more: false,
        };
      }
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `${url}/upload/F0001`, file_id: 'F0001' };
      case 'files.completeUploadExternal':
        // A channel the bot never joined (setChannel; or a CNOTIN… id) refuses the upload's share.
        if (typeof body.channel_id === 'string' && (!isMember(body.channel_id) || body.channel_id.startsWith('CNOTIN')))
          return notIn;
        return { ok: true, files: [{ id: 'F0001', title: 'chart.png' }] };
      case 'views.publish': {
        // https://api.slack.com/methods/views.publish: `user_id` and a `view` (JSON) of type "home"
        // with at most 100 blocks; answers the stored view.
        const view = (typeof body.view === 'string' ? JSON.parse(body.view) : body.view) as Json | undefined;
        if (!body.user_id || !view) return { ok: false, error: 'invalid_arguments' };
        const blocks = Array.isArray(view.blocks) ? view.blocks : [];
        if (view.type !== 'home' || blocks.length > 100) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, view: { id: `V${String(nextTs()).replace('.', '')}`, type: 'home', blocks } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** What a POST to a response_url does to what the user sees. */
  function respondAt(path: string, body: Json): void {
    const isAction = actionTargets.has(path);
    const target = isAction ? ephemerals.find((m) => m.id === actionTargets.get(path)) : undefined;
    if (isAction && target && body.delete_original === true) {
      target.deleted = true;
      return;
    }
    if (isAction && target && body.replace_original === true) {
      target.text = String(body.text ?? '');
      target.blocks = body.blocks;
      return;
    }
    // A command's response_url: replace_original / delete_original do nothing; text adds a message.
    if (body.text === undefined && body.blocks === undefined) return;
    if (body.response_type === 'in_channel') {
      messages.push({
        channel: 'response',
        via: path,
        ts: nextTs(),
        text: String(body.text ?? ''),
        blocks: body.blocks,
      });
      return;
    }
    ephemeralCounter += 1;
    ephemerals.push({
      id: `E${ephemeralCounter}`,
      via: origins.get(path) ?? path,
      text: String(body.text ?? ''),
      blocks: body.blocks,
      deleted: false,
    });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const body = parseBody(raw, req.headers['content-type']);
      const record = (method: string, status: number) =>
        calls.push({ method, path, body, authorization: req.headers.authorization, at: Date.now(), status });
      if (path.startsWith('/api/')) {
        const method = path.slice('/api/'.length);
        const delay = delays.get(method);
        if (delay && delay.count > 0) {
          delay.count -= 1;
          const { wait } = delay;
          await (typeof wait === 'number' ? new Promise((r) => setTimeout(r, wait)) : wait);
        }
        const failure = failures.get(method);
        if (failure && failure.count > 0) {
          failure.count -= 1;
          record(method, failure.status);
          send(res, failure.status, { ok: false, error: 'fatal_error' });
          return;
        }
        const stalled = stalls.get(method) ?? 0;
        if (stalled > 0) {
          stalls.set(method, stalled - 1);
          record(method, 0);
          api(method, body);
          return; // no answer: closeAllConnections() ends it when the fake closes
        }
        const limit = limits.get(method);
        if (limit && limit.count > 0) {
          limit.count -= 1;
          record(method, 429);
          send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.seconds) });
          return;
        }
        record(method, 200);
        send(res, 200, api(method, body));
        return;
      }
      if (path.startsWith('/response/')) {
        record('response', 200);
        respondAt(path, body);
        send(res, 200, { ok: true });
        return;
      }
      if (path.startsWith('/upload/')) {
        // web-api sends the file as one multipart part named `body` (reference §3); keep its text.
        const type = req.headers['content-type'];
        if (type?.startsWith('multipart/')) {
          const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
          const part = form.get('body');
          if (part instanceof Blob) body.content = await part.text();
        }
        record('upload', 200);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK - 1');
        return;
      }
      record('unknown', 404);
      send(res, 404, { ok: false, error: 'not_found' });
    })().catch(() => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'fake_failed' });
    });
  });

  const wss = new WebSocketServer({ server, path: '/link/' });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      let msg: Json;
      try {
        msg = JSON.parse(String(data)) as Json;
      } catch {
        return;
      }
      const id = typeof msg.envelope_id === 'string' ? msg.envelope_id : undefined;
      if (id) {
        pendingAcks.get(id)?.(msg);
        pendingAcks.delete(id);
      }
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        connection_info: { app_id: APP_ID },
        debug_info: { host: 'fake-slack' },
      }),
    );
    helloSent = true;
    for (const w of connectWaiters.splice(0)) w();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    messages,
    ephemerals,
    visibleFrom(responseUrl) {
      const path = new URL(responseUrl).pathname;
      return ephemerals.filter((m) => m.via === path && !m.deleted);
    },
    publicFrom(responseUrl) {
      const path = new URL(responseUrl).pathname;
      return messages.filter((m) => m.channel === 'response' && m.via === path);
    },
    setChannel: (id, channel) => channels.set(id, channel),
    isMember,
    removeScope: (scope) => missingScopes.add(scope),
    callsTo: (method) => calls.filter((c) => c.method === method),
    async waitFor(method, predicate = (c) => c.length > 0, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = calls.filter((c) => c.method === method && c.status === 200);
        if (predicate(found)) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `fake-slack: timed out waiting for ${method}; saw ${calls.map((c) => `${c.method}(${c.status})`).join(', ') || 'nothing'}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    setUser: (id, info) => users.set(id, info),
    rateLimit: (method, seconds, count = 1) => limits.set(method, { seconds, count }),
    fail: (method, status, count = 1) => failures.set(method, { status, count }),
    slow: (method, wait, count = 1) => delays.set(method, { wait, count }),
    stall: (method, count = 1) => stalls.set(method, count),
    responseUrl() {
      responseCounter += 1;
      return `${url}/response/r${responseCounter}`;
    },
    actionResponseUrl(messageId) {
      responseCounter += 1;
      const path = `/response/a${responseCounter}`;
      actionTargets.set(path, messageId);
      const holder = ephemerals.find((m) => m.id === messageId);
      if (holder) origins.set(path, holder.via);
      return `${url}${path}`;
    },
    socketConnected(timeoutMs = 5000) {
      if (helloSent && sockets.size > 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('fake-slack: no Socket Mode connection')), timeoutMs);
        connectWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    sendEnvelope(type, payload, extra = {}) {
      const socket = [...sockets][0];
      if (!socket) return Promise.reject(new Error('fake-slack: no Socket Mode connection'));
      envCounter += 1;
      const envelopeId = `env-${envCounter}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake-slack: no ack for ${envelopeId}`)), 5000);
        pendingAcks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        socket.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            accepts_response_payload: type !== 'events_api',
            ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
            ...extra,
            payload,
          }),
        );
      });
    },
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- payloads ----

export interface CommandPayloadOptions {
  text: string;
  userId?: string;
  channelId?: string;
  responseUrl: string;
  triggerId?: string;
}

let triggerCounter = 0;

/** A `/credits` slash command, as the form fields Slack sends. */
export function slashCommandPayload(o: CommandPayloadOptions): Record<string, string> {
  triggerCounter += 1;
  return {
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    team_domain: 'acme',
    channel_id: o.channelId ?? 'C0001',
    channel_name: 'general',
    user_id: o.userId ?? 'U0001',
    user_name: 'alice',
    command: '/credits',
    text: o.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? `1.2.trigger${triggerCounter}`,
  };
}

let eventCounter = 0;

/** An `event_callback` envelope around `event`. */
export function eventCallbackPayload(event: Json, eventId?: string): Json {
  eventCounter += 1;
  return {
    token: 'x',
    team_id: TEAM_ID,
    api_app_id: APP_ID,
    type: 'event_callback',
    event_id: eventId ?? `Ev${String(eventCounter).padStart(6, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event,
  };
}

let messageCounter = 0;

/** A channel `message` event. */
export function messageEvent(o: {
  text: string;
  user?: string;
  channel?: string;
  channelType?: string;
  ts?: string;
  threadTs?: string;
  botId?: string;
}): Json {
  messageCounter += 1;
  const ts = o.ts ?? `1700001000.${String(messageCounter).padStart(6, '0')}`;
  return {
    type: 'message',
    channel: o.channel ?? 'C0001',
    channel_type: o.channelType ?? 'channel',
    user: o.user ?? 'U0001',
    text: o.text,
    ts,
    event_ts: ts,
    team: TEAM_ID,
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
    ...(o.botId ? { bot_id: o.botId } : {}),
  };
}

/** A `block_actions` payload for a button press. */
export function blockActionPayload(o: {
  actionId: string;
  value: string;
  responseUrl: string;
  userId?: string;
  channelId?: string;
  ephemeral?: boolean;
}): Json {
  return {
    type: 'block_actions',
    user: { id: o.userId ?? 'U0001', username: 'alice', name: 'alice', team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: 'x',
    container: {
      type: 'message',
      message_ts: '1700000000.000100',
      channel_id: o.channelId ?? 'C0001',
      is_ephemeral: o.ephemeral ?? true,
    },
    trigger_id: `1.2.action${Date.now()}`,
    team: { id: TEAM_ID, domain: 'acme' },
    channel: { id: o.channelId ?? 'C0001', name: 'general' },
    response_url: o.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: o.actionId },
        value: o.value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

// ---- driver: one API for HTTP mode and Socket Mode ----

export interface SlackDriver {
  readonly mode: 'http' | 'socket';
  /** Sends `/credits <text>`; resolves with the ack (HTTP status, or the envelope ack) and its latency. */
  command(
    text: string,
    o?: Partial<CommandPayloadOptions>,
  ): Promise<{ status: number; ms: number; responseUrl: string }>;
  /** Delivers an Events API callback (the same body twice = Slack retrying it). */
  event(body: Json, o?: { retryNum?: number }): Promise<{ status: number }>;
  /** Presses a button. */
  action(payload: Json): Promise<{ status: number }>;
}

export function createSlackDriver(
  fake: FakeSlack,
  opts: { mode: 'http'; eventsUrl: string; signingSecret: string } | { mode: 'socket' },
): SlackDriver {
  async function postSigned(rawBody: string, contentType: string, headers: Record<string, string> = {}) {
    if (opts.mode !== 'http') throw new Error('postSigned is for HTTP mode');
    const res = await fetch(opts.eventsUrl, {
      method: 'POST',
      body: rawBody,
      headers: { 'content-type': contentType, ...signSlackRequest(opts.signingSecret, rawBody), ...headers },
    });
    await res.arrayBuffer();
    return res.status;
  }
  return {
    mode: opts.mode,
    async command(text, o = {}) {
      const responseUrl = o.responseUrl ?? fake.responseUrl();
      const payload = slashCommandPayload({ ...o, text, responseUrl });
      const started = performance.now();
      let status: number;
      if (opts.mode === 'http') {
        status = await postSigned(new URLSearchParams(payload).toString(), 'application/x-www-form-urlencoded');
      } else {
        await fake.sendEnvelope('slash_commands', payload);
        status = 200;
      }
      return { status, ms: performance.now() - started, responseUrl };
    },
    async event(body, o = {}) {
      if (opts.mode === 'http') {
        const headers: Record<string, string> =
          o.retryNum !== undefined
            ? { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' }
            : {};
        return { status: await postSigned(JSON.stringify(body), 'application/json', headers) };
      }
      await fake.sendEnvelope(
        'events_api',
        body,
        o.retryNum !== undefined ? { retry_attempt: o.retryNum, retry_reason: 'timeout' } : {},
      );
      return { status: 200 };
    },
    async action(payload) {
      if (opts.mode === 'http') {
        const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        return { status: await postSigned(raw, 'application/x-www-form-urlencoded') };
      }
      await fake.sendEnvelope('interactive', payload);
      return { status: 200 };
    },
  };
}
