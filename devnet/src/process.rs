//! Processes the devnet starts and stops: detached, known by PID, and never mistaken for
//! another process that later took the same PID.

use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `program` with `args` in its own process group (so it outlives the command that
/// started it and a terminal's Ctrl-C does not reach it), appending its output to `log`.
/// Returns the child (dropping it neither waits for nor stops it).
pub(crate) fn spawn_detached(
    program: &Path,
    args: &[String],
    env: &[(&str, &str)],
    log: &Path,
) -> std::io::Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    let out = OpenOptions::new().create(true).append(true).open(log)?;
    let child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .process_group(0)
        .spawn()?;
    Ok(child)
}

/// Whether `pid` runs (not a zombie) with `marker` among its arguments: a PID the devnet
/// recorded counts only while it is still the process the devnet started.
pub fn is_ours(pid: u32, marker: &str) -> bool {
    let alive = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit(')').next().map(|rest| rest.trim_start().chars().next()))
        .flatten()
        .is_some_and(|state| state != 'Z' && state != 'X');
    alive
        && std::fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|c| c.split(|b| *b == 0).any(|arg| arg == marker.as_bytes()))
}

/// Stops `pid` if it is still ours: SIGTERM, then SIGKILL after `grace`. Returns whether
/// it was running.
pub fn stop(pid: u32, marker: &str, grace: Duration) -> bool {
    if !is_ours(pid, marker) {
        return false;
    }
    signal("-TERM", pid);
    let since = Instant::now();
    while is_ours(pid, marker) {
        if since.elapsed() > grace {
            signal("-KILL", pid);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// SIGKILL, for tests of crashes.
pub fn kill(pid: u32, marker: &str) {
    if is_ours(pid, marker) {
        signal("-KILL", pid);
        while is_ours(pid, marker) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn signal(sig: &str, pid: u32) {
    let _ = Command::new("kill").args([sig, &pid.to_string()]).stderr(Stdio::null()).status();
}
