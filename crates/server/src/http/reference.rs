//! `/api/redoc/`: a second reader of the OpenAPI schema beside Swagger UI (the original product served ReDoc
//! there). One static HTML page rendered on the server from the same document: every operation by tag, with its
//! parameters, request body, responses and throttle scope, and links to the schema's components. No script, so
//! it works offline and under the strict content security policy.

use std::fmt::Write;

use serde_json::Value;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A schema's name (for a `$ref`) or its type in a few words.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", type_of(items));
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            return options.iter().map(type_of).collect::<Vec<_>>().join(" | ");
        }
    }
    match schema.get("type") {
        Some(Value::String(kind)) => escape(kind),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).map(escape).collect::<Vec<_>>().join(" | "),
        _ => "object".into(),
    }
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let summary = op.get("summary").and_then(Value::as_str).unwrap_or_default();
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
    let _ = write!(
        out,
        "<section class=\"op\" id=\"op-{}\"><h3><span class=\"m {m}\">{M}</span> <code>{}</code></h3><p>{}</p>",
        escape(id),
        escape(path),
        escape(summary),
        m = method,
        M = method.to_uppercase()
    );
    if let Some(description) = op.get("description").and_then(Value::as_str) {
        let _ = write!(out, "<p class=\"d\">{}</p>", escape(description));
    }
    if let Some(scope) = op.get("x-throttle-scope").and_then(Value::as_str) {
        let _ = write!(out, "<p class=\"d\">Rate-limit scope: <code>{}</code></p>", escape(scope));
    }
    if let Some(parameters) = op.get("parameters").and_then(Value::as_array).filter(|p| !p.is_empty()) {
        out.push_str("<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr>");
        for p in parameters {
            let field = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default();
            let required = if p.get("required").and_then(Value::as_bool) == Some(true) { " *" } else { "" };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(field("name")),
                escape(field("in")),
                p.get("schema").map(type_of).unwrap_or_default(),
                escape(field("description"))
            );
        }
        out.push_str("</table>");
    }
    if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
        out.push_str("<h4>Request body</h4><ul>");
        for (media, body) in content {
            let schema = body.get("schema").map(type_of).unwrap_or_default();
            let _ = write!(out, "<li><code>{}</code>: {schema}</li>", escape(media));
        }
        out.push_str("</ul>");
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("<h4>Responses</h4><ul>");
        for (status, response) in responses {
            let description = response.get("description").and_then(Value::as_str).unwrap_or_default();
            let schema = response.pointer("/content/application~1json/schema").map(type_of).unwrap_or_default();
            let _ = write!(out, "<li><b>{}</b> {} {schema}</li>", escape(status), escape(description));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

/// The whole page for an OpenAPI document.
pub fn render(openapi: &Value) -> String {
    let title = openapi.pointer("/info/title").and_then(Value::as_str).unwrap_or("API");
    let version = openapi.pointer("/info/version").and_then(Value::as_str).unwrap_or_default();
    let mut by_tag: std::collections::BTreeMap<String, Vec<(String, String, &Value)>> = Default::default();
    if let Some(paths) = openapi.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(op) = item.get(method) {
                    let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("other").to_owned();
                    by_tag.entry(tag).or_default().push((method.to_owned(), path.clone(), op));
                }
            }
        }
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} reference</title><style>\
         body{{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex}}nav{{width:240px;padding:16px;\
         border-right:1px solid #ddd;height:100vh;overflow:auto;position:sticky;top:0}}main{{padding:16px 32px;\
         max-width:960px}}.op{{border-top:1px solid #eee;padding:8px 0}}.m{{font:bold 12px monospace;padding:2px 6px;\
         border-radius:4px;color:#fff;background:#555}}.get{{background:#2b7}}.post{{background:#27c}}.put{{background:#c82}}\
         .patch{{background:#a6c}}.delete{{background:#c33}}table{{border-collapse:collapse}}td,th{{border:1px solid #ddd;\
         padding:2px 8px;text-align:left}}.d{{color:#555}}nav a{{display:block;color:#234}}</style></head><body><nav>\
         <b>{t}</b> {v}<p><a href=\"/api/docs/\">Swagger UI</a><a href=\"/api/schema\">OpenAPI JSON</a></p>",
        t = escape(title),
        v = escape(version)
    );
    for tag in by_tag.keys() {
        let _ = write!(out, "<a href=\"#tag-{0}\">{0}</a>", escape(tag));
    }
    let _ = write!(out, "<a href=\"#schemas\">Schemas</a></nav><main><h1>{} {}</h1>", escape(title), escape(version));
    for (tag, ops) in &by_tag {
        let _ = write!(out, "<h2 id=\"tag-{0}\">{0}</h2>", escape(tag));
        for (method, path, op) in ops {
            operation(&mut out, method, path, op);
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = openapi.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let _ = write!(out, "<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>", escape(name));
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                out.push_str("<table><tr><th>Field</th><th>Type</th><th>Description</th></tr>");
                for (field, property) in properties {
                    let description = property.get("description").and_then(Value::as_str).unwrap_or_default();
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                        escape(field),
                        type_of(property),
                        escape(description)
                    );
                }
                out.push_str("</table>");
            } else {
                let _ = write!(out, "<p>{}</p>", type_of(schema));
            }
            out.push_str("</section>");
        }
    }
    out.push_str("</main></body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_operations_and_escapes_text() {
        let doc = serde_json::json!({
            "info": {"title": "T<script>", "version": "1"},
            "paths": {"/a/{id}": {"get": {"tags": ["things"], "operationId": "get_a", "summary": "Get <a>",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"properties": {"x": {"type": "string", "description": "an x"}}}}}
        });
        let page = render(&doc);
        assert!(page.contains("T&lt;script&gt;") && !page.contains("T<script>"));
        assert!(page.contains("<code>/a/{id}</code>") && page.contains("Get &lt;a&gt;"));
        assert!(page.contains("href=\"#schema-A\"") && page.contains("id=\"schema-A\"") && page.contains("an x"));
    }
}
