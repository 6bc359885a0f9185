//! The load test's floor: an HTTP/1.1 server on the same stack as `rosa serve` (tokio's
//! multi-thread runtime with its default workers, hyper's http1 connection, Nagle off)
//! that reads each request's body and answers with fixed bytes captured from rosa. What
//! rosa costs beyond this is its own work. `scripts/loadtest.sh` runs both side by side.
//!
//!   cargo run --release --example static_floor -- ADDR BODY_FILE HEADERS_FILE
//!
//! HEADERS_FILE is what `curl -D` writes; its status line, `content-length` and `date`
//! are left out (hyper writes those itself, as it does for rosa). Prints
//! `listening on http://ADDR` on stdout once it accepts connections.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::io::Write as _;
use std::sync::Arc;

struct Canned {
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, body, headers] = args.as_slice() else {
        return Err("usage: static_floor ADDR BODY_FILE HEADERS_FILE".into());
    };
    let canned = Arc::new(Canned {
        headers: parse_headers(&std::fs::read_to_string(headers)?)?,
        body: Bytes::from(std::fs::read(body)?),
    });
    let addr: std::net::SocketAddr = addr.parse()?;
    // As `rosa serve` builds its runtime (src/cli/serve.rs).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(addr, canned))
}

async fn serve(
    addr: std::net::SocketAddr,
    canned: Arc<Canned>,
) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let canned = canned.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, canned.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    canned: Arc<Canned>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the whole body, as rosa must before it can decide.
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(canned.body.clone()));
    for (name, value) in &canned.headers {
        response.headers_mut().append(name.clone(), value.clone());
    }
    Ok(response)
}

fn parse_headers(text: &str) -> Result<Vec<(HeaderName, HeaderValue)>, Box<dyn std::error::Error>> {
    let mut headers = Vec::new();
    for line in text.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes())?;
        if name == hyper::header::CONTENT_LENGTH || name == hyper::header::DATE {
            continue;
        }
        headers.push((name, HeaderValue::from_str(value.trim())?));
    }
    Ok(headers)
}
