//! A minimal static file server for the page (`www/`) and the npm package (`/pkg/`),
//! `/node_modules/` (the page's QR code library) plus `/demo-node.json` with the node's id, URL and runes. GET and HEAD only.

use std::path::{Component, Path, PathBuf};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `root` joined with the request path, refusing anything but plain names.
fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = root.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(n) => p.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(p)
}

async fn respond(mut s: TcpStream, status: &str, ctype: &str, body: &[u8], head: bool) {
    let hdr = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(hdr.as_bytes()).await;
    if !head {
        let _ = s.write_all(body).await;
    }
    let _ = s.shutdown().await;
}

async fn handle(mut s: TcpStream, www: PathBuf, pkg: PathBuf, config: String) {
    let mut buf = vec![0u8; 8192];
    let mut n = 0;
    // Read until the end of the headers (bounded by the buffer).
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf[n..])).await
        {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => return,
            Ok(Ok(k)) => n += k,
        }
        if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") || n == buf.len() {
            break;
        }
    }
    let req = String::from_utf8_lossy(&buf[..n]);
    let mut parts = req.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond(
            s,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
            false,
        )
        .await;
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == "/demo-node.json" {
        return respond(s, "200 OK", "application/json", config.as_bytes(), head).await;
    }
    let modules = www.join("..").join("node_modules");
    let file = match (
        path.strip_prefix("/pkg/"),
        path.strip_prefix("/node_modules/"),
    ) {
        (Some(rest), _) => resolve(&pkg, rest),
        (None, Some(rest)) => resolve(&modules, rest),
        (None, None) => {
            let rel = path.trim_start_matches('/');
            resolve(&www, if rel.is_empty() { "index.html" } else { rel })
        }
    };
    match file {
        Some(f) => match tokio::fs::read(&f).await {
            Ok(body) => respond(s, "200 OK", content_type(&f), &body, head).await,
            Err(_) => respond(s, "404 Not Found", "text/plain", b"not found\n", head).await,
        },
        None => respond(s, "400 Bad Request", "text/plain", b"bad path\n", head).await,
    }
}

/// Serves until the process ends.
pub async fn serve(listener: TcpListener, www: PathBuf, pkg: PathBuf, config: String) {
    loop {
        if let Ok((s, _)) = listener.accept().await {
            tokio::spawn(handle(s, www.clone(), pkg.clone(), config.clone()));
        }
    }
}
