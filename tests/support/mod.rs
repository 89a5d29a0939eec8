//! Test harness: a real moto server on a free loopback port with IAM
//! enforced, the walkthrough's world built in it, and a sandbox HOME with
//! its own AWS files. Nothing here touches the real ~/.aws.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const AWSPROF: &str = env!("CARGO_BIN_EXE_awsprof");
pub const ACCOUNT: &str = "123456789012";

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A moto server process; stopped by its PID when dropped, also when a
/// test panics.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub endpoint: String,
    _log: tempfile::NamedTempFile,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

impl Moto {
    /// Starts moto with IAM enforced after three free bootstrap calls.
    pub fn start() -> Moto {
        let log = tempfile::NamedTempFile::new().expect("a log file");
        for _attempt in 0..3 {
            let port = free_port();
            let mut child = Command::new("python3")
                .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
                .env("INITIAL_NO_AUTH_ACTION_COUNT", "3")
                .stdin(Stdio::null())
                .stdout(Stdio::from(log.reopen().expect("log")))
                .stderr(Stdio::from(log.reopen().expect("log")))
                .spawn()
                .expect("python3 -m moto.server starts; install it with `pip install -r tests/support/requirements.txt`");
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = child.try_wait() {
                    let log_text = std::fs::read_to_string(log.path()).unwrap_or_default();
                    if log_text.contains("Address already in use") {
                        break;
                    }
                    panic!("moto exited with {status}:\n{log_text}");
                }
                if answers(port) {
                    return Moto {
                        child,
                        port,
                        endpoint: format!("http://127.0.0.1:{port}"),
                        _log: log,
                    };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("moto did not answer on loopback")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The walkthrough's world, as the bootstrap script reports it.
pub struct World {
    pub json: Value,
}

impl World {
    pub fn build(moto: &Moto, extra_args: &[&str]) -> World {
        let mut cmd = Command::new("python3");
        cmd.arg(repo_path("tests/support/moto_world.py"))
            .args(["--endpoint", &moto.endpoint])
            .args(extra_args);
        scrub_aws_env(&mut cmd);
        let out = cmd.output().expect("python3 runs the bootstrap");
        assert!(
            out.status.success(),
            "bootstrap failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        World {
            json: serde_json::from_slice(&out.stdout).expect("bootstrap prints JSON"),
        }
    }

    pub fn get(&self, pointer: &str) -> String {
        self.json
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("world has {pointer}"))
            .to_string()
    }

    /// Runs one IAM call as the admin, with boto3: `method` and its keyword
    /// arguments as JSON.
    pub fn admin_iam(&self, method: &str, kwargs: Value) -> Value {
        let script = r#"
import json, sys, boto3
w, method, kwargs = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
iam = boto3.client("iam", endpoint_url=w["endpoint"], region_name="us-east-1",
    aws_access_key_id=w["admin"]["access_key_id"], aws_secret_access_key=w["admin"]["secret_access_key"])
out = getattr(iam, method)(**kwargs)
out.pop("ResponseMetadata", None)
print(json.dumps(out, default=str))
"#;
        let mut cmd = Command::new("python3");
        cmd.args([
            "-c",
            script,
            &self.json.to_string(),
            method,
            &kwargs.to_string(),
        ]);
        scrub_aws_env(&mut cmd);
        let out = cmd.output().expect("python3 runs");
        assert!(
            out.status.success(),
            "admin {method} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the admin call prints JSON")
    }

    /// The ids of a user's access keys and their status, as IAM lists them.
    pub fn access_keys(&self, user: &str) -> Vec<(String, String)> {
        let out = self.admin_iam("list_access_keys", serde_json::json!({"UserName": user}));
        out["AccessKeyMetadata"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k["AccessKeyId"].as_str().unwrap().to_string(),
                    k["Status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    pub fn admin_credentials(&self) -> String {
        format!(
            "[admin]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            self.get("/admin/access_key_id"),
            self.get("/admin/secret_access_key")
        )
    }

    pub fn tanaka_credentials(&self) -> String {
        format!(
            "[tanaka]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            self.get("/tanaka/access_key_id"),
            self.get("/tanaka/secret_access_key")
        )
    }
}

/// The walkthrough's role.
pub fn toy_role() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/toy-role")
}

/// tanaka's credentials in a sandbox pointed at `moto`, with the role
/// already added to his profile.
pub fn tanaka_with_role(moto: &Moto, world: &World) -> Sandbox {
    let sandbox = Sandbox::new("", &world.tanaka_credentials()).with_endpoint(&moto.endpoint);
    sandbox
        .awsprof(&["profile", "add-role", "tanaka", "--role-arn", &toy_role()])
        .ok();
    sandbox
}

/// An endpoint nothing listens on: a call to it fails (exit 3), so only
/// what needs no call can succeed.
pub fn closed_endpoint() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// Removes every AWS setting the developer's shell may have.
pub fn scrub_aws_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("AWS_") || key.starts_with("AWSPROF_") || key == "XDG_STATE_HOME" {
            cmd.env_remove(&key);
        }
    }
}

/// A temporary HOME with `.aws/config` and `.aws/credentials`.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub endpoint: Option<String>,
}

impl Sandbox {
    pub fn new(config: &str, credentials: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("a temp dir");
        let aws = dir.path().join("home/.aws");
        std::fs::create_dir_all(&aws).unwrap();
        let sandbox = Sandbox {
            dir,
            endpoint: None,
        };
        sandbox.write_config(config);
        sandbox.write_credentials(credentials);
        sandbox
    }

    pub fn with_endpoint(mut self, endpoint: &str) -> Sandbox {
        self.endpoint = Some(endpoint.to_string());
        self
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn config(&self) -> PathBuf {
        self.home().join(".aws/config")
    }

    pub fn credentials(&self) -> PathBuf {
        self.home().join(".aws/credentials")
    }

    pub fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).unwrap();
    }

    pub fn write_credentials(&self, text: &str) {
        std::fs::write(self.credentials(), text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.credentials(), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }

    pub fn read_config(&self) -> String {
        std::fs::read_to_string(self.config()).unwrap_or_default()
    }

    pub fn read_credentials(&self) -> String {
        std::fs::read_to_string(self.credentials()).unwrap_or_default()
    }

    /// A command with this sandbox's HOME and files, and no other AWS setting.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        scrub_aws_env(&mut cmd);
        cmd.env("HOME", self.home())
            .env("AWS_CONFIG_FILE", self.config())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.credentials())
            .env("AWSPROF_BACKUP_DIR", self.backups())
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        if let Some(endpoint) = &self.endpoint {
            cmd.env("AWS_ENDPOINT_URL", endpoint);
        }
        cmd
    }

    pub fn awsprof(&self, args: &[&str]) -> Run {
        Run::of(
            self.command(AWSPROF)
                .args(args)
                .output()
                .expect("awsprof runs"),
        )
    }

    /// awsprof with `input` piped to its standard input.
    pub fn awsprof_with_input(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command(AWSPROF)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("awsprof runs");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        Run::of(child.wait_with_output().unwrap())
    }

    pub fn aws(&self, args: &[&str]) -> Run {
        Run::of(
            self.command("aws")
                .args(args)
                .output()
                .expect("the AWS CLI runs; pip install -r tests/support/requirements.txt"),
        )
    }

    pub fn backup_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(self.backups())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }
}

/// A finished process: exit code and output.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success:\n{self:#?}");
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "expected exit {code}:\n{self:#?}");
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// awsprof on a pseudo-terminal whose echo is on, as a person's is (the
/// pty library starts with it off); expectations wait up to 30 s.
pub fn on_terminal(sb: &Sandbox, args: &[&str]) -> expectrl::Session {
    let mut cmd = sb.command("sh");
    cmd.arg("-c")
        .arg("stty echo; exec \"$0\" \"$@\"")
        .arg(AWSPROF)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    let mut session = expectrl::Session::spawn(cmd).expect("a pty");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    session
}

/// A loopback stub in Python (`tests/support/*.py`) for an AWS API moto
/// lacks: it prints its port, then logs each request as a JSON line.
pub struct PyStub {
    child: Child,
    pub endpoint: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl PyStub {
    pub fn start(script: &str, args: &[&str]) -> PyStub {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new("python3")
            .arg(repo_path(script))
            .args(args)
            .arg("--log")
            .arg(&log)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the stub");
        let mut port = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut port,
        )
        .unwrap();
        PyStub {
            child,
            endpoint: format!("http://127.0.0.1:{}", port.trim()),
            log,
            _dir: dir,
        }
    }

    /// Every request the stub answered, in order.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for PyStub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
