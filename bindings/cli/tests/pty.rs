//! The live progress display, rendered in a pseudo-terminal.

mod common;

use common::Fixture;
use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;
use std::time::Duration;

/// A pseudo-terminal of 100 x 30: (controller, terminal side).
fn openpty() -> (File, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    let size = libc::winsize {
        ws_row: 30,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let made = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(made, 0, "openpty: {}", std::io::Error::last_os_error());
    unsafe {
        (
            File::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    }
}

#[test]
fn wait_progress_is_drawn_live_on_a_terminal() {
    let f = Fixture::with(|c| c.run_step = Duration::from_millis(400));
    let (mut controller, terminal) = openpty();
    let mut child = f
        .cmd()
        .env("TERM", "xterm-256color")
        .args([
            "workflow",
            "runs",
            "run",
            "cg-123",
            "--wait",
            "--poll-interval",
            "0.05",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::from(terminal.try_clone().unwrap()))
        .stderr(Stdio::from(terminal))
        .spawn()
        .unwrap();
    // Read everything the terminal shows until the child closes its side (EIO on Linux).
    let reader = std::thread::spawn(move || {
        let mut screen = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = controller.read(&mut chunk) {
            if n == 0 {
                break;
            }
            screen.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&screen).into_owned()
    });
    let status = child.wait().unwrap();
    let screen = reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "{screen}");
    // Redrawn in place (escape sequences), with the state, the tasks and the elapsed time.
    assert!(screen.contains('\u{1b}'), "{screen:?}");
    for needle in [
        "waiting",
        "running  tasks 0/1",
        "succeeded  tasks 1/1",
        "s]",
        "succeeded  after",
    ] {
        assert!(screen.contains(needle), "{needle}: {screen:?}");
    }
    // On a terminal the result is a table.
    assert!(
        screen.contains("state ") && screen.contains("courier.group/run"),
        "{screen:?}"
    );
    assert!(!screen.contains(common::TOKEN));
}
