//! Connection reuse: one client shared by many threads keeps a connection per thread instead of
//! opening (over TLS: handshaking) a new one for most requests (checked while looking for the
//! cause of the load run's lower throughput at 64 threads, tests/soak.sh --load).

mod common;

use amperity::*;
use common::*;
use std::sync::{Arc, Barrier};

#[test]
fn a_client_shared_by_16_threads_reuses_its_connections() {
    let server = server();
    let client = Arc::new(builder(&server).build().unwrap());
    let threads = 16;
    let barrier = Arc::new(Barrier::new(threads));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                for _ in 0..30 {
                    client
                        .list_segments(PageOptions::limit(1))
                        .next_page()
                        .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let opened = server.connections_accepted();
    // 480 requests, at most 16 at a time: 16 connections (a few more when a thread's answer
    // and another's request cross), not one per request.
    assert!(opened <= 24, "{opened} connections for 480 requests");
}
