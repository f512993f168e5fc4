/**
 * A loopback fake of Discord for the real discord.js Client: the REST routes the bot uses and a
 * gateway (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, invalid session, close
 * codes) on one port. It records every request; helpers dispatch slash commands, buttons,
 * autocomplete, context-menu commands and channel messages. See
 * shared/reference/slack-discord-offline.md §6-9 and §13 for why each detail is the way it is.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

const MESSAGE_CONTENT = 1 << 15;
const DISCORD_EPOCH = 1_420_070_400_000n;
const ADMIN_PERMISSIONS = '2248473465835105'; // includes Manage Server (32)
const MEMBER_PERMISSIONS = '2248473465835073'; // no Manage Server

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization: string | undefined;
  at: number;
}

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

interface Connection {
  socket: WebSocket;
  seq: number;
  identified: boolean;
}

export interface FakeDiscordOptions {
  /** Close with 4014 when IDENTIFY asks for the Message Content intent (the portal toggle is off). */
  refuseMessageContent?: boolean;
  /**
   * How long `enforce_nonce` remembers a nonce (default 2 minutes). Discord: "If true and nonce is
   * present, it will be checked for uniqueness in the past few minutes. If another message was created
   * by the same author with the same nonce, that message will be returned and no new message will be
   * created." (https://discord.com/developers/docs/resources/message#create-message); a retry after a
   * longer gap posts again.
   */
  nonceWindowMs?: number;
  /** The fake's clock (message timestamps, the nonce window); real time by default. */
  now?: () => number;
  /**
   * Gateway handshakes (the HTTP upgrade) wait until `close()`, which refuses them with a 503: a
   * client is stopped while its socket is still CONNECTING (see `handshakeArrived`).
   */
  holdHandshakes?: boolean;
}

type Json = Record<string, unknown>;
/** Where an interaction comes from: the bot's own server, a stranger's server, or a DM. */
export type Where = 'home' | 'other' | 'dm';

let counter = 0n;
/** A fresh 18/19-digit snowflake. */
export function snowflake(): string {
  counter += 1n;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) + counter);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return undefined;
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const payload = form.get('payload_json');
    const files = [...form.keys()].filter((k) => k.startsWith('files['));
    // What each attached file holds (name, size, and the text of text files such as a CSV).
    const uploads = await Promise.all(
      files.map(async (field) => {
        const f = form.get(field);
        if (!(f instanceof Blob)) return { field };
        const name = 'name' in f ? String(f.name) : '';
        const text = /\.(csv|txt)$/i.test(name) ? await f.text() : undefined;
        return { field, name, size: f.size, ...(text !== undefined ? { text } : {}) };
      }),
    );
    return { ...(typeof payload === 'string' ? (JSON.parse(payload) as Json) : {}), _files: files, _uploads: uploads };
  }
  return JSON.parse(raw.toString('utf8')) as unknown;
}

export class FakeDiscord {
  readonly applicationId = snowflake();
  readonly botUser: FakeUser = { id: snowflake(), username: 'credits-bot', bot: true };
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  /**
   * A second server the bot was added to by someone else (a stranger; "Public Bot" left on in the
   * developer portal lets anyone invite it), with its own channel. It arrives in READY like any guild.
   */
  readonly otherGuildId = snowflake();
  readonly otherChannelId = snowflake();
  /** The DM channel between alice and the bot. */
  readonly dmChannelId = snowflake();
  readonly alice: FakeUser = { id: snowflake(), username: 'alice' };
  readonly requests: RecordedRequest[] = [];
  readonly identifies: Json[] = [];
  readonly resumes: Json[] = [];
  /** Registered commands by scope: `global` or a guild id. */
  readonly commands = new Map<string, Json[]>();
  /** Messages by id, as the fake last answered them. */
  readonly messages = new Map<string, Json>();
  /** The original response message of each interaction token. */
  readonly originals = new Map<string, Json>();
  options: FakeDiscordOptions;
  private readonly acknowledged = new Set<string>();
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private sessionId = 'session-1';
  private lastSeq = 0;
  private waiters: { predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private port = 0;
  private readonly heldHandshakes: ((ok: boolean, code?: number) => void)[] = [];
  private handshakeWaiters: (() => void)[] = [];

  constructor(options: FakeDiscordOptions = {}) {
    this.options = options;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error), code: 0 }));
      });
    });
    this.wss = new WebSocketServer({
      server: this.server,
      verifyClient: (_info, done) => {
        if (!this.options.holdHandshakes) return done(true);
        this.heldHandshakes.push(done);
        for (const w of this.handshakeWaiters.splice(0)) w();
      },
    });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** `DISCORD_API_URL` for the bot. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Resolves once a gateway handshake is being held (`holdHandshakes`). */
  handshakeArrived(): Promise<void> {
    if (this.heldHandshakes.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.handshakeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const done of this.heldHandshakes.splice(0)) done(false, 503);
    for (const c of this.connections) c.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── gateway ──────────────────────────────────────────────────────────────

  private send(conn: Connection, payload: Json): void {
    conn.socket.send(JSON.stringify(payload));
  }

  private onConnection(socket: WebSocket): void {
    const conn: Connection = { socket, seq: 0, identified: false };
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
    socket.on('message', (data) => this.onGatewayMessage(conn, JSON.parse(String(data)) as Json));
    this.send(conn, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
  }

  private dispatchTo(conn: Connection, t: string, d: Json): void {
    conn.seq += 1;
    this.lastSeq = conn.seq;
    this.send(conn, { op: 0, t, s: conn.seq, d });
  }

  private onGatewayMessage(conn: Connection, msg: Json): void {
    const d = msg.d as Json | null;
    switch (msg.op) {
      case 1:
        this.send(conn, { op: 11 });
        return;
      case 2: {
        this.identifies.push(d ?? {});
        const intents = Number(d?.intents ?? 0);
        if (this.options.refuseMessageContent && (intents & MESSAGE_CONTENT) !== 0) {
          conn.socket.close(4014, 'Disallowed intent(s).');
          return;
        }
        conn.identified = true;
        this.sessionId = `session-${this.identifies.length}`;
        this.dispatchTo(conn, 'READY', {
          v: 10,
          user: { ...this.botUser, discriminator: '0', global_name: null, avatar: null, flags: 0 },
          guilds: [
            { id: this.guildId, unavailable: true },
            { id: this.otherGuildId, unavailable: true },
          ],
          session_id: this.sessionId,
          resume_gateway_url: this.gatewayUrl,
          shard: [0, 1],
          application: { id: this.applicationId, flags: 0 },
        });
        this.dispatchTo(conn, 'GUILD_CREATE', this.guildPayload(this.guildId, this.channelId, 'Acme'));
        this.dispatchTo(conn, 'GUILD_CREATE', this.guildPayload(this.otherGuildId, this.otherChannelId, 'Stranger'));
        return;
      }
      case 6:
        this.resumes.push(d ?? {});
        conn.identified = true;
        conn.seq = Number(d?.seq ?? this.lastSeq);
        this.dispatchTo(conn, 'RESUMED', {});
        return;
      default:
        return;
    }
  }

  private guildPayload(guildId: string, channelId: string, name: string): Json {
    return {
      id: guildId,
      name,
      icon: null,
      owner_id: snowflake(),
      features: [],
      unavailable: false,
      member_count: 2,
      large: false,
      joined_at: '2026-01-01T00:00:00.000Z',
      roles: [
        {
          id: guildId,
          name: '@everyone',
          permissions: MEMBER_PERMISSIONS,
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      channels: [
        {
          id: channelId,
          type: 0,
          name: 'general',
          position: 0,
          permission_overwrites: [],
          parent_id: null,
          nsfw: false,
          topic: null,
          last_message_id: null,
          rate_limit_per_user: 0,
        },
      ],
      members: [],
      threads: [],
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private live(): Connection | undefined {
    return [...this.connections].find((c) => c.identified);
  }

  /** Gateway sessions that identified and are still open (replicas that connected the one shard). */
  sessions(): number {
    return [...this.connections].filter((c) => c.identified).length;
  }

  /**
   * Sends a dispatch on every identified connection. Like Discord: two gateway sessions for the same
   * shard both receive every event; keeping one session per shard across replicas is the bot's job
   * (shared/reference/slack-discord-offline.md, "Added: what the platforms really do";
   * https://discord.com/developers/docs/events/gateway#sharding).
   */
  dispatch(t: string, d: Json): void {
    const live = [...this.connections].filter((c) => c.identified);
    if (!live.length) throw new Error(`no identified gateway connection to send ${t} on`);
    for (const conn of live) this.dispatchTo(conn, t, d);
  }

  /** Drops the connection with a resumable close code; the client should resume. */
  dropConnection(code = 4000): void {
    for (const c of this.connections) c.socket.close(code, 'fake drop');
  }

  /** Op 9 with `d: false`: the client must identify again. */
  invalidateSession(): void {
    const conn = this.live();
    if (conn) this.send(conn, { op: 9, d: false });
  }

  connected(): boolean {
    return this.live() !== undefined;
  }

  // ── payload builders and triggers ────────────────────────────────────────

  private member(user: FakeUser, admin: boolean): Json {
    return {
      user: { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null },
      roles: [],
      permissions: admin ? ADMIN_PERMISSIONS : MEMBER_PERMISSIONS,
      joined_at: '2026-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
    };
  }

  /**
   * `where`: the bot's own server (default), the stranger's server, or a DM with the bot. A DM
   * invocation has `user` instead of `member`, no `guild_id`, a type-1 channel and `context: 1`
   * (slack-discord-offline.md §8, from Discord's receiving-and-responding docs).
   */
  private interactionBase(
    type: number,
    user: FakeUser,
    admin: boolean,
    where: Where = 'home',
  ): Json & { token: string; id: string } {
    const id = snowflake();
    const common = {
      id,
      application_id: this.applicationId,
      type,
      token: `itok-${id}`,
      version: 1,
      app_permissions: MEMBER_PERMISSIONS,
      locale: 'en-US',
      entitlements: [],
      attachment_size_limit: 10_485_760,
    };
    if (where === 'dm') {
      return {
        ...common,
        channel: { id: this.dmChannelId, type: 1, recipients: [this.member(user, false).user] },
        channel_id: this.dmChannelId,
        user: this.member(user, false).user,
        authorizing_integration_owners: { '0': this.guildId },
        context: 1,
      };
    }
    const guildId = where === 'other' ? this.otherGuildId : this.guildId;
    const channelId = where === 'other' ? this.otherChannelId : this.channelId;
    return {
      ...common,
      guild_id: guildId,
      channel: { id: channelId, type: 0, guild_id: guildId, name: 'general' },
      channel_id: channelId,
      member: this.member(user, admin),
      guild_locale: 'en-US',
      authorizing_integration_owners: { '0': guildId },
      context: 0,
    };
  }

  private commandId(name: string): string {
    for (const list of this.commands.values()) {
      const found = list.find((c) => c.name === name);
      if (found) return String(found.id);
    }
    return snowflake();
  }

  /** `/credits <sub> [options]`; options are Discord names with typed values. Returns the token. */
  slashCommand(
    sub: string,
    options: Record<string, string | number> = {},
    opts: { user?: FakeUser; admin?: boolean; where?: Where } = {},
  ): string {
    const base = this.interactionBase(2, opts.user ?? this.alice, opts.admin ?? false, opts.where);
    const typed = Object.entries(options).map(([name, value]) => ({
      name,
      value,
      type: typeof value === 'number' ? (Number.isInteger(value) ? 4 : 10) : 3,
    }));
    this.dispatch('INTERACTION_CREATE', {
      ...base,
      data: {
        id: this.commandId('credits'),
        name: 'credits',
        type: 1,
        options: [{ type: 1, name: sub, ...(typed.length ? { options: typed } : {}) }],
      },
    });
    return base.token;
  }

  /** An autocomplete request for the focused option. Returns the token. */
  autocomplete(
    sub: string,
    option: string,
    partial: string,
    others: Record<string, string | number> = {},
    where: Where = 'home',
  ): string {
    const base = this.interactionBase(4, this.alice, false, where);
    const typed = [
      ...Object.entries(others).map(([name, value]) => ({ name, value, type: typeof value === 'number' ? 4 : 3 })),
      { name: option, value: partial, type: 3, focused: true },
    ];
    this.dispatch('INTERACTION_CREATE', {
      ...base,
      data: {
        id: this.commandId('credits'),
        name: 'credits',
        type: 1,
        options: [{ type: 1, name: sub, options: typed }],
      },
    });
    return base.token;
  }

  /** A button press on a message the fake holds. Returns the token. */
  pressButton(customId: string, message: Json, opts: { user?: FakeUser; where?: Where } = {}): string {
    const base = this.interactionBase(3, opts.user ?? this.alice, false, opts.where);
    this.dispatch('INTERACTION_CREATE', { ...base, message, data: { custom_id: customId, component_type: 2 } });
    return base.token;
  }

  /** The message context-menu command on a message. Returns the token. */
  contextMenu(name: string, target: Json, where: Where = 'home'): string {
    const base = this.interactionBase(2, this.alice, false, where);
    this.dispatch('INTERACTION_CREATE', {
      ...base,
      data: {
        id: this.commandId(name),
        name,
        type: 3,
        target_id: target.id,
        resolved: { messages: { [String(target.id)]: target } },
      },
    });
    return base.token;
  }

  /** A channel message (not sent to the gateway). */
  messagePayload(
    content: string,
    opts: { author?: FakeUser; mentionBot?: boolean; where?: 'home' | 'other' } = {},
  ): Json {
    const author = opts.author ?? this.alice;
    const other = opts.where === 'other';
    return {
      id: snowflake(),
      channel_id: other ? this.otherChannelId : this.channelId,
      guild_id: other ? this.otherGuildId : this.guildId,
      type: 0,
      content,
      tts: false,
      pinned: false,
      mention_everyone: false,
      mentions: opts.mentionBot
        ? [{ ...this.botUser, discriminator: '0', global_name: null, avatar: null, bot: true }]
        : [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      flags: 0,
      timestamp: new Date(this.clock()).toISOString(),
      edited_timestamp: null,
      author: {
        id: author.id,
        username: author.username,
        discriminator: '0',
        global_name: author.username,
        avatar: null,
        ...(author.bot ? { bot: true } : {}),
      },
      member: { roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    };
  }

  /**
   * MESSAGE_CREATE. Like Discord, content is blanked when the bot identified without the Message
   * Content intent and the message neither mentions the bot nor is a DM.
   */
  messageCreate(
    content: string,
    opts: { author?: FakeUser; mentionBot?: boolean; where?: 'home' | 'other' } = {},
  ): Json {
    const payload = this.messagePayload(content, opts);
    const intents = Number(this.identifies.at(-1)?.intents ?? 0);
    const visible = (intents & MESSAGE_CONTENT) !== 0 || opts.mentionBot;
    this.dispatch('MESSAGE_CREATE', visible ? payload : { ...payload, content: '' });
    return payload;
  }

  // ── REST ─────────────────────────────────────────────────────────────────

  /** Resolves with the first recorded request (past or future) that matches. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a Discord request')), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  /** Requests made with an interaction token (callbacks and webhook edits), in order. */
  forToken(token: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(`/${token}`));
  }

  private record(r: RecordedRequest): void {
    this.requests.push(r);
    const matched = this.waiters.filter((w) => w.predicate(r));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(r);
  }

  /** When each message was created, by the fake's clock. */
  private readonly createdAt = new Map<string, number>();

  private clock(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** `POST /channels/{id}/messages`, with `enforce_nonce` de-duplicating only within the window. */
  private createMessage(body: Json, channelId: string): Json {
    if (body.enforce_nonce === true && body.nonce !== undefined) {
      const since = this.clock() - (this.options.nonceWindowMs ?? 120_000);
      for (const [id, message] of this.messages) {
        if (message.channel_id !== channelId || message.nonce !== body.nonce) continue;
        if ((this.createdAt.get(id) ?? 0) >= since) return message;
      }
    }
    return this.messageFrom(body, channelId);
  }

  /**
   * `GET /channels/{id}/messages?limit=`: newest first. The nonce is left out: it is only echoed on
   * create and in MESSAGE_CREATE, not something to find a message by later (the docs call it "used for
   * validating a message was sent"), so the bot must not rely on it here.
   */
  private recentMessages(channelId: string, limit: number): Json[] {
    return [...this.messages.values()]
      .filter((m) => m.channel_id === channelId && (Number(m.flags ?? 0) & 64) === 0) // ephemeral ones are nobody's history
      .sort((a, b) => (this.createdAt.get(String(b.id)) ?? 0) - (this.createdAt.get(String(a.id)) ?? 0))
      .slice(0, Math.min(Math.max(limit, 1), 100))
      .map(({ nonce: _nonce, ...rest }) => rest);
  }

  private messageFrom(body: Json, channelId: string, extra: Json = {}): Json {
    const message: Json = {
      id: snowflake(),
      channel_id: channelId,
      guild_id: this.guildId,
      type: 0,
      content: body.content ?? '',
      tts: false,
      pinned: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      flags: body.flags ?? 0,
      timestamp: new Date(this.clock()).toISOString(),
      edited_timestamp: null,
      author: { ...this.botUser, discriminator: '0', global_name: null, avatar: null, bot: true },
      ...(body.message_reference ? { message_reference: body.message_reference } : {}),
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      ...extra,
    };
    this.messages.set(String(message.id), message);
    this.createdAt.set(String(message.id), this.clock());
    return message;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const body = await parseBody(req, await readBody(req));
    const method = req.method ?? 'GET';
    this.record({
      method,
      path,
      query: url.searchParams,
      body,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    const b = (body ?? {}) as Json;
    const rel = path.replace(/^\/api\/v10\//, '');
    for (const [verb, pattern, handler] of this.routes) {
      const match = pattern.exec(rel);
      if (verb === method && match) return handler(res, match.slice(1), b, url.searchParams);
    }
    return this.json(res, 404, { message: `Unknown route ${method} ${rel}`, code: 0 });
  }

  private noContent(res: ServerResponse): void {
    // A 204 must not carry a JSON content type, or @discordjs/rest parses an empty body.
    res.writeHead(204);
    res.end();
  }

  private edit(previous: Json | undefined, body: Json): Json {
    const updated: Json = {
      ...(previous ?? this.messageFrom({}, this.channelId)),
      ...pick(body),
      edited_timestamp: new Date().toISOString(),
    };
    this.messages.set(String(updated.id), updated);
    return updated;
  }

  private readonly routes: [
    string,
    RegExp,
    (res: ServerResponse, g: (string | undefined)[], body: Json, query: URLSearchParams) => void,
  ][] = [
    [
      'GET',
      /^gateway\/bot$/,
      (res) =>
        this.json(res, 200, {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        }),
    ],
    [
      'GET',
      /^applications\/@me$/,
      (res) => this.json(res, 200, { id: this.applicationId, name: 'credits-bot', flags: 0, bot_public: true }),
    ],
    [
      'GET',
      /^applications\/\d+\/(?:guilds\/(\d+)\/)?commands$/,
      (res, [guild]) => this.json(res, 200, this.commands.get(guild ?? 'global') ?? []),
    ],
    [
      'PUT',
      /^applications\/\d+\/(?:guilds\/(\d+)\/)?commands$/,
      (res, [guild], body) => {
        const scope = guild ?? 'global';
        const stored = (body as unknown as Json[]).map((c) => ({
          ...c,
          id: snowflake(),
          application_id: this.applicationId,
          version: snowflake(),
          default_member_permissions: null,
          nsfw: false,
          ...(scope === 'global' ? {} : { guild_id: scope }),
        }));
        this.commands.set(scope, stored);
        this.json(res, 200, stored);
      },
    ],
    [
      'POST',
      /^interactions\/\d+\/([^/]+)\/callback$/,
      (res, [token = ''], body) => {
        // An interaction is acknowledged once; a second callback (another session's) is refused
        // (shared/reference/slack-discord-offline.md §9; DOCS opcodes-and-status-codes.mdx L251).
        if (this.acknowledged.has(token)) {
          return this.json(res, 400, { code: 40060, message: 'Interaction has already been acknowledged.' });
        }
        this.acknowledged.add(token);
        if (body.type === 4 || body.type === 5) {
          const data = (body.data ?? {}) as Json;
          this.originals.set(token, this.messageFrom(data, this.channelId, { webhook_id: this.applicationId }));
        }
        this.noContent(res);
      },
    ],
    [
      'PATCH',
      /^webhooks\/\d+\/([^/]+)\/messages\/([^/]+)$/,
      (res, [token = '', target = ''], body) => {
        const previous = target === '@original' ? this.originals.get(token) : this.messages.get(target);
        const updated = this.edit(previous, body);
        if (target === '@original') this.originals.set(token, updated);
        this.json(res, 200, updated);
      },
    ],
    ['DELETE', /^webhooks\/\d+\/[^/]+\/messages\/[^/]+$/, (res) => this.noContent(res)],
    [
      'POST',
      /^webhooks\/\d+\/[^/]+$/,
      (res, _g, body) =>
        this.json(res, 200, this.messageFrom(body, this.channelId, { webhook_id: this.applicationId })),
    ],
    [
      'POST',
      /^channels\/(\d+)\/messages$/,
      (res, [channel = this.channelId], body) => this.json(res, 200, this.createMessage(body, channel)),
    ],
    [
      'GET',
      /^channels\/(\d+)\/messages$/,
      (res, [channel = this.channelId], _body, query) =>
        this.json(res, 200, this.recentMessages(channel, Number(query.get('limit') ?? 50))),
    ],
    [
      'PATCH',
      /^channels\/\d+\/messages\/(\d+)$/,
      (res, [id = ''], body) => this.json(res, 200, this.edit(this.messages.get(id), body)),
    ],
    [
      'GET',
      /^channels\/(\d+)$/,
      (res, [id]) =>
        this.json(res, 200, {
          id,
          type: 0,
          guild_id: this.guildId,
          name: 'general',
          position: 0,
          permission_overwrites: [],
          parent_id: null,
          nsfw: false,
        }),
    ],
  ];
}

function pick(body: Json): Json {
  const out: Json = {};
  for (const key of ['content', 'embeds', 'components', 'flags']) if (key in body) out[key] = body[key];
  return out;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).start();
}
