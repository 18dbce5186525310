//! [`Templates`]: the configuration's notification templates, parsed and
//! checked once, and rendered per delivery.

use std::collections::{BTreeMap, BTreeSet};

use helpdesk_core::DeskConfig;
use helpdesk_core::config::Diagnostic;
use helpdesk_core::notification::TemplateText;
use helpdesk_core::suggest::closest;
use minijinja::{Environment, UndefinedBehavior};

use crate::notification::vars::{FIELDS, Vars};

/// What a template renders to: a one-line subject, a plain text body and
/// an optional HTML alternative.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// One line: line breaks the template produced are folded into spaces.
    pub subject: String,
    /// The plain text body.
    pub text: String,
    /// The HTML body, when the template has one; escaped by default.
    pub html: Option<String>,
}

/// A template could not be rendered.
///
/// ```
/// let e = helpdesk_engine::RenderError { template: "ack/en/text".into(), reason: "undefined value".into() };
/// assert_eq!(e.to_string(), "template ack/en/text could not be rendered: undefined value");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {template} could not be rendered: {reason}")]
pub struct RenderError {
    /// The template, as `key/locale/part`.
    pub template: String,
    /// Why.
    pub reason: String,
}

/// The key under which the engine's own wording is kept; not a valid
/// configuration key, so it never clashes with one.
const DEFAULT: &str = "@default";

/// The engine's wording for rules without a template.
const DEFAULT_TEXT: (&str, &str) = (
    "[{{ ticket.reference }}] {{ ticket.subject }}",
    "{{ event.summary }}.\n\n{% if event.body %}{{ event.body }}\n\n{% endif %}\
     Ticket {{ ticket.reference }}: {{ ticket.subject }} ({{ ticket.status }}, {{ ticket.priority }})\n",
);

/// The desk configuration's notification templates (`templates`), parsed
/// and checked, with the engine's default wording for rules that name
/// none.
///
/// Templates use Jinja syntax ([minijinja](https://docs.rs/minijinja)):
/// `{{ ticket.subject }}`, `{% if event.body %}...{% endif %}`, filters
/// such as `upper`. The `html` part is HTML-escaped by default; the
/// subject and text are not. A variable the desk does not offer ([`Vars`]
/// lists them) is an error when the templates are compiled, not a blank
/// in a customer's inbox; so is a template that does not parse. Each error
/// has the template's path in the configuration.
///
/// A message for locale `de-CH` uses the template's `de-CH` text, else its
/// `de`, else the desk's default locale.
///
/// ```
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::{Templates, Vars};
///
/// let config: DeskConfig = toml::from_str(r#"
///     [templates.ack.en]
///     subject = "We got it: {{ ticket.subject }}"
///     text = "Hello {{ recipient.name }}"
///     html = "<p>Hello {{ recipient.name }}</p>"
///
///     [templates.ack.de]
///     subject = "Erhalten: {{ ticket.subject }}"
///     text = "Hallo {{ recipient.name }}"
/// "#).unwrap();
/// let templates = Templates::compile(&config).unwrap();
///
/// let mut vars = Vars::default();
/// vars.ticket.subject = "VPN\ndrops".into();
/// vars.recipient.name = Some("<Ana>".into());
/// let en = templates.render(Some("ack"), "en-GB", &vars).unwrap();
/// assert_eq!(en.subject, "We got it: VPN drops", "one line");
/// assert_eq!(en.text, "Hello <Ana>");
/// assert_eq!(en.html.as_deref(), Some("<p>Hello &lt;Ana&gt;</p>"), "escaped");
/// let de = templates.render(Some("ack"), "de-AT", &vars).unwrap();
/// assert_eq!(de.text, "Hallo <Ana>");
///
/// // A typo is found before anything is sent, at its path.
/// let typo: DeskConfig = toml::from_str(r#"
///     [templates.ack.en]
///     subject = "{{ ticket.subjet }}"
///     text = "{% if %}"
/// "#).unwrap();
/// let errors = Templates::compile(&typo).unwrap_err();
/// assert_eq!(errors[0].path, "templates.ack.en.subject");
/// assert!(errors[0].message.starts_with(r#"names unknown variable "ticket.subjet""#));
/// assert_eq!(errors[1].path, "templates.ack.en.text");
/// assert!(errors[1].message.starts_with("does not parse"));
/// ```
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    /// Each template's locales, by key.
    locales: BTreeMap<String, BTreeSet<String>>,
    default_locale: String,
}

impl Templates {
    /// Parses and checks every template of `config`; `Err` with every
    /// problem, each at its path (`templates.<key>.<locale>.<part>`).
    pub fn compile(config: &DeskConfig) -> Result<Self, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        let mut errors = Vec::new();
        let mut locales: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let default = TemplateText {
            subject: DEFAULT_TEXT.0.into(),
            text: DEFAULT_TEXT.1.into(),
            html: None,
        };
        let english = "en".to_string();
        let all = config
            .templates
            .iter()
            .flat_map(|(key, texts)| texts.iter().map(move |(l, t)| (key.as_str(), l, t)))
            .chain([(DEFAULT, &english, &default)]);
        for (key, locale, text) in all {
            locales
                .entry(key.into())
                .or_default()
                .insert(locale.clone());
            let parts = [
                ("subject", Some(&text.subject)),
                ("text", Some(&text.text)),
                ("html", text.html.as_ref()),
            ];
            for (part, source) in parts {
                let Some(source) = source else { continue };
                let path = format!("templates.{key}.{locale}.{part}");
                if let Err(problem) = add(&mut env, name(key, locale, part), source) {
                    errors.push(Diagnostic::error(path, problem));
                }
            }
        }
        if errors.is_empty() {
            Ok(Self {
                env,
                locales,
                default_locale: config.locale().to_string(),
            })
        } else {
            Err(errors)
        }
    }

    /// Every problem of `config`'s templates (none when they compile), for
    /// `helpdesk check`.
    pub fn check(config: &DeskConfig) -> Vec<Diagnostic> {
        Self::compile(config).err().unwrap_or_default()
    }

    /// Renders `template` (the engine's default wording when `None`) for
    /// `locale` with `vars`.
    pub fn render(
        &self,
        template: Option<&str>,
        locale: &str,
        vars: &Vars,
    ) -> Result<Rendered, RenderError> {
        let key = template.unwrap_or(DEFAULT);
        let locale = self.locale(key, locale).ok_or_else(|| RenderError {
            template: key.into(),
            reason: "no such template".into(),
        })?;
        let render = |part: &str| -> Result<Option<String>, RenderError> {
            let name = name(key, locale, part);
            let Ok(template) = self.env.get_template(&name) else {
                return Ok(None);
            };
            template.render(vars).map(Some).map_err(|e| RenderError {
                template: name.trim_end_matches(".html").into(),
                reason: e.to_string(),
            })
        };
        let subject = render("subject")?.unwrap_or_default();
        Ok(Rendered {
            subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
            text: render("text")?.unwrap_or_default().trim().to_string(),
            html: render("html")?.map(|html| html.trim().to_string()),
        })
    }

    /// The locale of `key` to use for `wanted`: itself, its language, the
    /// default locale, or (for the engine's wording) `en`.
    fn locale(&self, key: &str, wanted: &str) -> Option<&str> {
        let known = self.locales.get(key)?;
        let language = wanted.split('-').next().unwrap_or(wanted);
        [wanted, language, self.default_locale.as_str(), "en"]
            .into_iter()
            .find_map(|l| known.get(l))
            .map(String::as_str)
    }
}

/// The name a part of a template is kept under; HTML parts end in `.html`,
/// which turns escaping on.
fn name(key: &str, locale: &str, part: &str) -> String {
    if part == "html" {
        format!("{key}/{locale}/html.html")
    } else {
        format!("{key}/{locale}/{part}")
    }
}

/// Parses `source` as `name` and checks the variables it names.
fn add(env: &mut Environment<'static>, name: String, source: &str) -> Result<(), String> {
    env.add_template_owned(name.clone(), source.to_string())
        .map_err(|e| {
            let detail = e
                .detail()
                .map(str::to_string)
                .unwrap_or_else(|| e.kind().to_string());
            match e.line() {
                Some(line) => format!("does not parse: {detail} (line {line})"),
                None => format!("does not parse: {detail}"),
            }
        })?;
    let template = env
        .get_template(&name)
        .map_err(|e| format!("does not parse: {e}"))?;
    let mut unknown: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|variable| !offered(variable))
        .collect();
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some(variable) => Err(format!(
            "names unknown variable {variable:?}: {}",
            offer(variable)
        )),
    }
}

/// Whether `variable` (`ticket` or `ticket.subject`) is one the desk
/// offers.
fn offered(variable: &str) -> bool {
    let mut parts = variable.splitn(2, '.');
    let top = parts.next().unwrap_or_default();
    let field = parts.next();
    FIELDS.iter().any(|(name, fields)| {
        *name == top && field.is_none_or(|f| fields.contains(&f.split('.').next().unwrap_or(f)))
    })
}

/// What the desk offers in place of `variable`: the closest name, and
/// what there is.
fn offer(variable: &str) -> String {
    let mut parts = variable.split('.');
    let top = parts.next().unwrap_or_default();
    match FIELDS.iter().find(|(name, _)| *name == top) {
        Some((name, fields)) => {
            let field = parts.next().unwrap_or_default();
            match closest(field, fields.iter().copied()) {
                Some(near) => format!(
                    "did you mean \"{name}.{near}\"? {name} has {}",
                    fields.join(", ")
                ),
                None => format!("{name} has {}", fields.join(", ")),
            }
        }
        None => match closest(top, FIELDS.iter().map(|(name, _)| *name)) {
            Some(near) => {
                format!("did you mean \"{near}\"? templates may name ticket, event and recipient")
            }
            None => "templates may name ticket, event and recipient".into(),
        },
    }
}
