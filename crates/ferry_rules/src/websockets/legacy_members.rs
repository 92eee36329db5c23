//! The public members of the legacy connection classes that the new asyncio
//! connections do not have, and what to write instead.
//!
//! The names are every public attribute, property and method (including the
//! instance attributes assigned in `__init__`) of
//! `websockets.legacy.client.WebSocketClientProtocol` /
//! `websockets.legacy.server.WebSocketServerProtocol` in websockets 13.1 that
//! `websockets.asyncio.client.ClientConnection` /
//! `websockets.asyncio.server.ServerConnection` in websockets 15.0.1 lack.
//! The `legacy_members` test of the `ferry` crate recomputes that difference
//! on the real installed releases and fails when this table drifts from it,
//! and evaluates every replacement on real new connections.
//!
//! The replacements and advice were checked on real loopback connections of
//! both releases: e.g. legacy `path` and `request.path` are both `"/a?q=1"` on
//! a client connected to `ws://localhost:PORT/a?q=1`, but legacy `host` is
//! `"localhost"` there while `remote_address[0]`, which websockets' own
//! deprecation warning names, is `"127.0.0.1"` (the advice says so).

/// Which legacy class has the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// `WebSocketClientProtocol` only.
    Client,
    /// `WebSocketServerProtocol` only.
    Server,
    /// Both classes (inherited from `WebSocketCommonProtocol`).
    Both,
}

impl Side {
    /// Whether a member of this side is on the client class.
    pub fn client(self) -> bool {
        matches!(self, Side::Client | Side::Both)
    }

    /// Whether a member of this side is on the server class.
    pub fn server(self) -> bool {
        matches!(self, Side::Server | Side::Both)
    }
}

/// A member of a legacy connection class that the new connection lacks.
///
/// A name whose replacement differs between client and server (`host`,
/// `port`, `secure`) has one entry per side; every other name has one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyMember {
    /// The attribute, property or method name on the legacy connection.
    pub name: &'static str,
    pub side: Side,
    /// What to write after the new connection and a dot instead of `name`
    /// (`ws.extensions` → `ws.protocol.extensions`), valid on every release
    /// that has the new implementation (13.0 on); `None` when there is none.
    /// It gives the legacy value, except where the advice says how it differs
    /// (`host` and `port`, which follow websockets' own deprecation warnings).
    /// It may be an expression (`state is State.OPEN`): it then needs
    /// parentheses where the access was an operand (`ws.open == x`), and the
    /// names it uses (`State`, `Side`, from `websockets.protocol`) must be
    /// imported.
    pub replacement: Option<&'static str>,
    /// One sentence: what to write instead.
    pub advice: &'static str,
}

const fn member(
    name: &'static str,
    side: Side,
    replacement: Option<&'static str>,
    advice: &'static str,
) -> LegacyMember {
    LegacyMember {
        name,
        side,
        replacement,
        advice,
    }
}

/// Every legacy-only member, by name.
pub const LEGACY_ONLY_MEMBERS: &[LegacyMember] = &[
    member(
        "available_extensions",
        Side::Both,
        Some("protocol.available_extensions"),
        "The extension factories the connection was configured with are on the Sans-I/O protocol: `protocol.available_extensions`.",
    ),
    member(
        "available_subprotocols",
        Side::Both,
        Some("protocol.available_subprotocols"),
        "The subprotocols the connection was configured with are on the Sans-I/O protocol: `protocol.available_subprotocols`.",
    ),
    member(
        "close_connection",
        Side::Both,
        None,
        "Internal coroutine with no public equivalent: call `close()`, then `await wait_closed()` to wait until the TCP connection is closed.",
    ),
    member(
        "close_connection_task",
        Side::Both,
        None,
        "Internal task with no public equivalent: `await wait_closed()` waits until the TCP connection is closed.",
    ),
    member(
        "close_rcvd",
        Side::Both,
        Some("protocol.close_rcvd"),
        "The close frame received (a `Close`, or `None`) is on the Sans-I/O protocol: `protocol.close_rcvd`.",
    ),
    member(
        "close_rcvd_then_sent",
        Side::Both,
        Some("protocol.close_rcvd_then_sent"),
        "Whether the close frame was received before one was sent is on the Sans-I/O protocol: `protocol.close_rcvd_then_sent`.",
    ),
    member(
        "close_sent",
        Side::Both,
        Some("protocol.close_sent"),
        "The close frame sent (a `Close`, or `None`) is on the Sans-I/O protocol: `protocol.close_sent`.",
    ),
    member(
        "close_transport",
        Side::Both,
        None,
        "Internal coroutine with no public equivalent: call `close()`, which closes the TCP connection once the closing handshake is done.",
    ),
    member(
        "closed",
        Side::Both,
        Some("state is State.CLOSED"),
        "Compare the state, `state is State.CLOSED` with `State` from `websockets.protocol`, or better, handle `ConnectionClosed` where you send or receive.",
    ),
    member(
        "connection_closed_exc",
        Side::Both,
        None,
        "Internal method with no drop-in: once the connection is closed, the `ConnectionClosed` exception that describes it is the property `protocol.close_exc` (not a method).",
    ),
    member(
        "connection_open",
        Side::Both,
        None,
        "Internal handshake callback with no equivalent: a connection that `connect()` returns or the handler receives is already open.",
    ),
    member(
        "ensure_open",
        Side::Both,
        None,
        "No public equivalent: call `send()` or `recv()` directly, which raise `ConnectionClosed` when the connection is closed.",
    ),
    member(
        "extensions",
        Side::Both,
        Some("protocol.extensions"),
        "The negotiated extensions are on the Sans-I/O protocol: `protocol.extensions`.",
    ),
    member(
        "extra_headers",
        Side::Both,
        None,
        "The connection no longer keeps the `extra_headers` it was given: read the headers actually sent in `request.headers` (client) or `response.headers` (server).",
    ),
    member(
        "fail_connection",
        Side::Both,
        None,
        "No public equivalent: call `close(code, reason)` to close the connection with an error code.",
    ),
    member(
        "host",
        Side::Client,
        Some("remote_address[0]"),
        "Use `remote_address[0]`, as websockets' own deprecation warning says, knowing it is the IP address of the peer (or of a proxy), not the host name of the URI, which only the internal `protocol.uri.host` holds (`protocol.wsuri.host` before 15.0).",
    ),
    member(
        "host",
        Side::Server,
        Some("local_address[0]"),
        "Use the address the server's socket is bound to, `local_address[0]` (the legacy value was the `host` argument given to `serve()`).",
    ),
    member(
        "is_client",
        Side::Both,
        Some("protocol.side is Side.CLIENT"),
        "Compare the Sans-I/O protocol's side, `protocol.side is Side.CLIENT` with `Side` from `websockets.protocol`, or test `isinstance(connection, ClientConnection)`.",
    ),
    member(
        "keepalive_ping",
        Side::Both,
        None,
        "Internal coroutine with no public equivalent: keepalive runs by itself (tune `ping_interval` and `ping_timeout` of `connect()` or `serve()`), and `ping()` sends one ping.",
    ),
    member(
        "keepalive_ping_task",
        Side::Both,
        None,
        "Internal task with no public equivalent: keepalive runs by itself, tuned with `ping_interval` and `ping_timeout` of `connect()` or `serve()`.",
    ),
    member(
        "legacy_recv",
        Side::Both,
        None,
        "Removed with no equivalent: `recv()` raises `ConnectionClosed` when the connection closes and never returns `None`.",
    ),
    member(
        "max_size",
        Side::Both,
        Some("protocol.max_size"),
        "The maximum size of incoming messages is on the Sans-I/O protocol: `protocol.max_size`.",
    ),
    member(
        "messages",
        Side::Both,
        None,
        "Internal queue of received messages with no public equivalent: receive with `recv()` or `async for message in connection`.",
    ),
    member(
        "open",
        Side::Both,
        Some("state is State.OPEN"),
        "Compare the state, `state is State.OPEN` with `State` from `websockets.protocol`, or better, handle `ConnectionClosed` where you send or receive.",
    ),
    member(
        "open_timeout",
        Side::Server,
        None,
        "The connection does not keep it: it is the `open_timeout` argument of `serve()`.",
    ),
    member(
        "origin",
        Side::Client,
        Some("protocol.origin"),
        "The `Origin` the client sent is on the Sans-I/O protocol: `protocol.origin`.",
    ),
    member(
        "origins",
        Side::Server,
        Some("protocol.origins"),
        "The origins the server accepts are on the Sans-I/O protocol: `protocol.origins`.",
    ),
    member(
        "path",
        Side::Both,
        Some("request.path"),
        "The path of the handshake request, with its query string, is `request.path`.",
    ),
    member(
        "pings",
        Side::Both,
        None,
        "Internal map of pending pings with no public equivalent: await the waiter that `await ping()` returns to get the round-trip time, and read `latency` for the last one measured.",
    ),
    member(
        "port",
        Side::Client,
        Some("remote_address[1]"),
        "Use `remote_address[1]`, as websockets' own deprecation warning says: the port of the peer, which is the port of the URI unless the client goes through a proxy.",
    ),
    member(
        "port",
        Side::Server,
        Some("local_address[1]"),
        "Use the port the server's socket is bound to, `local_address[1]` (the legacy value was the `port` argument given to `serve()`, possibly 0).",
    ),
    member(
        "process_extensions",
        Side::Both,
        None,
        "Internal negotiation step with no public equivalent: the negotiated extensions are `protocol.extensions`.",
    ),
    member(
        "process_origin",
        Side::Server,
        None,
        "Internal check with no public equivalent: pass the accepted origins to `serve(origins=...)`, and read the origin the client sent in `protocol.origin`.",
    ),
    member(
        "process_request",
        Side::Server,
        None,
        "Pass `process_request=` to `serve()` instead of overriding it: it is called with `(connection, request)` and returns `None` to go on or a `Response`, e.g. `connection.respond(status, text)`.",
    ),
    member(
        "process_subprotocol",
        Side::Both,
        None,
        "Internal negotiation step with no public equivalent: the negotiated subprotocol is `subprotocol`, and a server chooses it with `serve(select_subprotocol=...)`.",
    ),
    member(
        "read_data_frame",
        Side::Both,
        None,
        "Internal frame reader with no public equivalent: receive whole messages with `recv()`, or their fragments with `recv_streaming()`.",
    ),
    member(
        "read_frame",
        Side::Both,
        None,
        "Internal frame reader with no public equivalent: receive whole messages with `recv()`, or their fragments with `recv_streaming()`.",
    ),
    member(
        "read_http_request",
        Side::Server,
        None,
        "Internal handshake step with no public equivalent: the handshake request is `request` (`request.path`, `request.headers`).",
    ),
    member(
        "read_http_response",
        Side::Client,
        None,
        "Internal handshake step with no public equivalent: the handshake response is `response` (`response.status_code`, `response.headers`).",
    ),
    member(
        "read_limit",
        Side::Both,
        None,
        "The new implementation has no read buffer limit: memory is bounded by the `max_size` and `max_queue` arguments of `connect()` or `serve()`.",
    ),
    member(
        "read_message",
        Side::Both,
        None,
        "Internal message reader with no public equivalent: receive with `recv()` or `async for message in connection`.",
    ),
    member(
        "reader",
        Side::Both,
        None,
        "The legacy `StreamReader` has no equivalent: receive with `recv()` or `async for message in connection`.",
    ),
    member(
        "request_headers",
        Side::Both,
        Some("request.headers"),
        "The headers of the handshake request are `request.headers` (the same `Headers` type).",
    ),
    member(
        "response_headers",
        Side::Both,
        Some("response.headers"),
        "The headers of the handshake response are `response.headers` (the same `Headers` type).",
    ),
    member(
        "secure",
        Side::Client,
        None,
        "No public equivalent: test the URI given to `connect()` for `wss://` (the internal `protocol.uri.secure` holds it from 15.0, `protocol.wsuri.secure` before).",
    ),
    member(
        "secure",
        Side::Server,
        None,
        "The server connection has no equivalent: whether it uses TLS follows from passing `ssl=` to `serve()`.",
    ),
    member(
        "select_subprotocol",
        Side::Server,
        None,
        "Pass `select_subprotocol=` to `serve()` instead of overriding it: it is called with `(connection, subprotocols)` and returns the chosen subprotocol or `None`.",
    ),
    member(
        "server_header",
        Side::Server,
        None,
        "The connection does not keep it: the `Server` header sent is in `response.headers`, and `serve(server_header=...)` sets it.",
    ),
    member(
        "side",
        Side::Both,
        None,
        "The side is now `protocol.side`, a `Side` enum from `websockets.protocol` (`Side.CLIENT`, `Side.SERVER`) rather than the strings \"client\" and \"server\", so rewrite the comparison.",
    ),
    member(
        "transfer_data",
        Side::Both,
        None,
        "Internal coroutine with no public equivalent: receive with `recv()` or `async for message in connection`.",
    ),
    member(
        "transfer_data_exc",
        Side::Both,
        None,
        "Internal with no public equivalent: the exception that broke the connection is the `__cause__` of the `ConnectionClosed` that `recv()` or `send()` raises.",
    ),
    member(
        "transfer_data_task",
        Side::Both,
        None,
        "Internal task with no public equivalent: `await wait_closed()` waits until the connection is closed.",
    ),
    member(
        "user_agent_header",
        Side::Client,
        None,
        "The connection does not keep it: the `User-Agent` header sent is in `request.headers`, and `connect(user_agent_header=...)` sets it.",
    ),
    member(
        "wait_for_connection_lost",
        Side::Both,
        None,
        "Internal with no public equivalent: `await wait_closed()` waits until the TCP connection is closed.",
    ),
    member(
        "write_close_frame",
        Side::Both,
        None,
        "Internal with no public equivalent: call `close(code, reason)`.",
    ),
    member(
        "write_frame",
        Side::Both,
        None,
        "No public equivalent for writing raw frames: send messages with `send()`, pings and pongs with `ping()` and `pong()`, and close with `close()`.",
    ),
    member(
        "write_frame_sync",
        Side::Both,
        None,
        "No public equivalent for writing raw frames: send messages with `send()`, pings and pongs with `ping()` and `pong()`, and close with `close()`.",
    ),
    member(
        "write_http_request",
        Side::Client,
        None,
        "Internal handshake step with no public equivalent: the request sent is `request`, and `connect(additional_headers=...)` adds headers to it.",
    ),
    member(
        "write_http_response",
        Side::Server,
        None,
        "Internal handshake step with no public equivalent: return a `Response` from `process_request` or `process_response` (arguments of `serve()`) to change what is sent.",
    ),
    member(
        "ws_handler",
        Side::Server,
        None,
        "The connection does not keep the handler: it is the callable passed to `serve()`.",
    ),
    member(
        "ws_server",
        Side::Server,
        Some("server"),
        "The server that manages the connection is `server`, a `websockets.asyncio.server.Server`.",
    ),
];
