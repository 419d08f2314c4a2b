use super::*;

const DOMAIN: &str = "https://practice-1234.auth.us-east-1.amazoncognito.com";
const MEDIA: &str = "https://practice-media-1234.s3.us-east-1.amazonaws.com";

fn aws() -> WebConfig {
    WebConfig {
        sign_in: SignIn::cognito(DOMAIN, "4example5client6id").unwrap(),
        connect_origins: Vec::new(),
        media_origins: vec![MEDIA.to_owned()],
    }
}

fn get(config: &WebConfig, path: &str) -> Response<Body> {
    handle(config, &Method::GET, path)
}

fn text(response: Response<Body>) -> String {
    match response.into_body() {
        Body::Text(text) => text,
        _ => panic!("a text body"),
    }
}

fn header_of(response: &Response<Body>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The sources of one directive of a policy.
fn directive<'a>(csp: &'a str, name: &str) -> Vec<&'a str> {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{name} in {csp}"))
        .split_whitespace()
        .collect()
}

/// Every `<script ...>...</script>` in a page, as (opening tag, body).
fn scripts(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let open_end = after.find('>').expect("a closed tag") + 1;
        let close = after.find("</script>").expect("a closing tag");
        found.push((
            after[..open_end].to_owned(),
            after[open_end..close].to_owned(),
        ));
        rest = &after[close + "</script>".len()..];
    }
    found
}

/// Whether an attribute such as `onclick=` appears.
fn has_event_attribute(html: &str) -> bool {
    html.match_indices(" on").any(|(at, _)| {
        let rest = &html[at + 3..];
        let name_len = rest.chars().take_while(char::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}

#[test]
fn pages_are_served_with_the_strict_policy_and_nothing_inline() {
    let local = WebConfig::local();
    for name in ["portal", "physician"] {
        let response = get(&local, &format!("/{name}"));
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert_eq!(header_of(&response, "content-security-policy"), local.csp());
        assert_eq!(header_of(&response, "content-type"), HTML);
        assert_eq!(header_of(&response, "x-content-type-options"), "nosniff");
        let html = text(response);

        let scripts = scripts(&html);
        assert!(!scripts.is_empty(), "{name} loads its script");
        for (tag, body) in scripts {
            assert!(tag.contains("src=\"/web/"), "{name}: {tag}");
            assert!(body.trim().is_empty(), "{name}: an inline script");
        }
        assert!(!html.contains("style="), "{name}: a style attribute");
        assert!(!html.contains("<style"), "{name}: a style element");
        assert!(
            !has_event_attribute(&html),
            "{name}: an inline event handler"
        );
        assert!(
            html.contains("href=\"/web/app.css\""),
            "{name} loads its styles"
        );
    }
}

#[test]
fn the_local_policy_allows_only_this_origin() {
    let csp = WebConfig::local().csp();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive}");
    }
    assert!(!csp.contains("unsafe"));
    assert!(!csp.contains("http"));
}

#[test]
fn the_aws_policy_adds_only_the_sign_in_and_the_media_origins() {
    let csp = aws().csp();
    assert_eq!(directive(&csp, "connect-src"), ["'self'", DOMAIN, MEDIA]);
    assert_eq!(directive(&csp, "media-src"), ["'self'", "blob:", MEDIA]);
    for strict in ["default-src", "script-src", "style-src", "form-action"] {
        assert_eq!(directive(&csp, strict), ["'self'"], "{strict}");
    }
    assert_eq!(directive(&csp, "img-src"), ["'self'", "data:"]);
    assert_eq!(directive(&csp, "frame-ancestors"), ["'none'"]);
    assert!(!csp.contains("unsafe"));

    let mut twice = aws();
    twice.connect_origins = vec![MEDIA.to_owned(), "https://other.example".to_owned()];
    let csp = twice.csp();
    assert_eq!(
        directive(&csp, "connect-src"),
        ["'self'", DOMAIN, MEDIA, "https://other.example"]
    );
    let response = get(&aws(), "/portal");
    assert_eq!(header_of(&response, "content-security-policy"), aws().csp());
}

#[test]
fn config_json_tells_the_pages_how_to_sign_in() {
    let response = get(&WebConfig::local(), "/web/config.json");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, "content-type"), JSON);
    let local: serde_json::Value = serde_json::from_str(&text(response)).unwrap();
    assert_eq!(local, json!({ "sign_in": "local" }));

    let response = get(&aws(), "/web/config.json");
    assert_eq!(header_of(&response, "content-security-policy"), aws().csp());
    let cognito: serde_json::Value = serde_json::from_str(&text(response)).unwrap();
    assert_eq!(
        cognito,
        json!({ "sign_in": "cognito", "domain_url": DOMAIN, "client_id": "4example5client6id" })
    );
}

#[test]
fn the_configuration_comes_from_the_environment_and_names_what_is_missing() {
    let vars = [
        ("COGNITO_DOMAIN_URL", format!("{DOMAIN}/")),
        ("USER_POOL_CLIENT_ID", "4example5client6id".to_owned()),
        ("MEDIA_ORIGIN", MEDIA.to_owned()),
    ];
    let from = |skip: &str| {
        WebConfig::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name && *n != skip)
                .map(|(_, v)| v.clone())
        })
    };
    assert_eq!(from(""), Ok(aws()));
    for name in WEB_ENV_VARS {
        let error = from(name).unwrap_err();
        assert!(error.contains(name), "{error}");
    }
}

#[test]
fn origins_that_could_extend_the_policy_are_refused() {
    assert_eq!(
        origin("http://127.0.0.1:9000/").unwrap(),
        "http://127.0.0.1:9000"
    );
    for bad in [
        "",
        "practice.example",
        "https://",
        "https://a.example/path",
        "https://a.example; script-src *",
        "https://a.example 'unsafe-inline'",
        "javascript:alert(1)",
    ] {
        assert!(origin(bad).is_err(), "{bad}");
    }
    assert!(SignIn::cognito(DOMAIN, "id; x").is_err());
    assert!(SignIn::cognito(DOMAIN, "").is_err());
}

#[test]
fn files_reference_only_same_origin_resources() {
    for (name, _, text) in FILES {
        for foreign in [
            "http://",
            "https://",
            "src=\"//",
            "href=\"//",
            "url(",
            "@import",
        ] {
            assert!(!text.contains(foreign), "{name} contains {foreign}");
        }
        assert!(!text.contains(".innerHTML"), "{name} sets innerHTML");
        assert!(!text.contains("eval("), "{name} uses eval");
    }
}

#[test]
fn files_are_served_with_their_types_and_the_policy() {
    let local = WebConfig::local();
    for (name, content_type, body) in FILES {
        let response = get(&local, &format!("/web/{name}"));
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert_eq!(header_of(&response, "content-type"), content_type);
        assert_eq!(header_of(&response, "content-security-policy"), local.csp());
        assert_eq!(text(response), body);
    }
    assert_eq!(get(&local, "/web/app.js").status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get(&local, "/web/../lib.rs").status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&local, "/outbox").status(), StatusCode::NOT_FOUND);
    assert_eq!(
        handle(&local, &Method::POST, "/portal").status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
}
