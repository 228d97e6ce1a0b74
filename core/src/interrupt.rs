//! Interrupting one call's network I/O: every connection remembers the shutdown handles of its
//! sockets and which [`CancelToken`](crate::CancelToken)s are using it at the moment, so that a
//! token's cancel shuts down the connection of its own call (and never one that another call
//! took from the pool since).
//!
//! [`TrackingConnector`] wraps ureq's default connector chain; the transports it makes register
//! themselves with the tokens carried on the thread around each read and write.

use crate::cancel_token;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector,
    ShutdownHandle, SocksConnector, Transport,
};

/// One connection, as the tokens see it.
#[derive(Default)]
pub(crate) struct Connection {
    /// Ids of the tokens whose call is reading or writing right now.
    users: Mutex<Vec<u64>>,
    /// The sockets under the connection (registered by ureq's connectors).
    handles: Mutex<Vec<Weak<dyn ShutdownHandle>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Connection {
    /// Shuts the sockets down when the token `id` is using the connection; blocked I/O on it
    /// returns an error at once.
    pub(crate) fn shut_down_if_used_by(&self, id: u64) {
        let users = lock(&self.users);
        if users.contains(&id) {
            for handle in lock(&self.handles).iter().filter_map(Weak::upgrade) {
                handle.shutdown();
            }
        }
    }
}

/// ureq's default connector chain (a SOCKS proxy, an HTTP CONNECT proxy, TCP, rustls) with
/// [`InterruptibleTcpConnector`](crate::connect::InterruptibleTcpConnector) in place of ureq's
/// TCP connector, and every transport tracked for per-call cancellation.
#[derive(Debug)]
pub(crate) struct TrackingConnector {
    inner: Box<dyn Connector<(), Out = Box<dyn Transport>>>,
}

impl Default for TrackingConnector {
    fn default() -> Self {
        let chain =
            ().chain(SocksConnector::default())
                .chain(ConnectProxyConnector::default())
                .chain(crate::connect::InterruptibleTcpConnector)
                .chain(RustlsConnector::default())
                .chain(Boxing);
        TrackingConnector {
            inner: Box::new(chain),
        }
    }
}

/// The end of the chain: the transport made, boxed.
#[derive(Debug)]
struct Boxing;

impl<In: Transport> Connector<In> for Boxing {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|transport| Box::new(transport) as Box<dyn Transport>))
    }
}

impl Connector<()> for TrackingConnector {
    type Out = TrackedTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let connection = Arc::new(Connection::default());
        let register = details.register_shutdown.clone();
        let noted = Arc::downgrade(&connection);
        let tracked = ConnectionDetails {
            uri: details.uri,
            addrs: details.addrs.clone(),
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: Arc::new(move |handle: Weak<dyn ShutdownHandle>| {
                if let Some(connection) = noted.upgrade() {
                    lock(&connection.handles).push(handle.clone());
                }
                register(handle)
            }),
        };
        // The thread's tokens use the connection while it is made: a cancel shuts down the
        // connect in progress (see `crate::connect`) or the TLS handshake.
        let tokens = cancel_token::current();
        for token in &tokens {
            // Registered before the check: a cancel after the check finds this connection.
            token.watch_connection(&connection);
            lock(&connection.users).push(token.id());
            if token.is_cancelled() {
                lock(&connection.users).clear();
                return Err(cancelled());
            }
        }
        let transport = self.inner.connect(&tracked, chained);
        lock(&connection.users).clear();
        let transport = transport?;
        if cancel_token::current_cancelled() {
            return Err(cancelled());
        }
        Ok(transport.map(|inner| TrackedTransport { inner, connection }))
    }
}

/// The error of I/O refused because the call's token was cancelled (mapped to
/// `Error::Cancelled` by the transport, which sees the cancelled token).
pub(crate) fn cancelled() -> ureq::Error {
    ureq::Error::Io(std::io::Error::new(
        std::io::ErrorKind::Interrupted,
        "the call was cancelled",
    ))
}

/// A transport that registers itself with the tokens of the thread using it.
pub(crate) struct TrackedTransport {
    inner: Box<dyn Transport>,
    connection: Arc<Connection>,
}

impl std::fmt::Debug for TrackedTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl TrackedTransport {
    /// Runs one read or write with the thread's tokens marked as users of the connection.
    fn io<T>(
        &mut self,
        op: impl FnOnce(&mut dyn Transport) -> Result<T, ureq::Error>,
    ) -> Result<T, ureq::Error> {
        let tokens = cancel_token::current();
        if tokens.is_empty() {
            return op(self.inner.as_mut());
        }
        {
            let mut users = lock(&self.connection.users);
            for token in &tokens {
                // Registered before the check: a cancel after the check finds this connection.
                token.watch_connection(&self.connection);
                if token.is_cancelled() {
                    users.clear();
                    return Err(cancelled());
                }
                users.push(token.id());
            }
        }
        let result = op(self.inner.as_mut());
        lock(&self.connection.users).clear();
        result
    }
}

impl Transport for TrackedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.io(|inner| inner.transmit_output(amount, timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.io(|inner| inner.await_input(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
