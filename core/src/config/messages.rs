//! `handoff.messages`: what the customer is told, one template per [`MessageKind`], and
//! `handoff.outside_hours`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::read::{join, Default, Errors, Field, Kind, Obj, Section};
use crate::config::template::Template;
use crate::wire::error::ErrorKind;

/// A message kind and the placeholders it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKind {
    /// Said when a handoff starts.
    HandoffInitiated,
    /// Said when the conversation joins the queue.
    WaitingForAgent,
    /// Said when the queue position changes.
    QueuePositionChanged,
    /// Said when an agent takes the conversation.
    AgentConnected,
    /// Said outside business hours.
    OutsideHours,
    /// Said when callback details were taken.
    CallbackConfirmed,
    /// Said when no one is free and the fallback is `none`.
    NoAgentAvailable,
    /// Said when the queue is full.
    QueueFull,
    /// Said when the agent gives the conversation back to the AI.
    ReturnedToAi,
    /// Said when the conversation is resolved.
    Resolved,
    /// Asked after resolving, with `resolution.csat`.
    CsatQuestion,
}

/// Placeholders every message offers, after its own.
const QUEUE: &[&str] = &[
    "position",
    "queue_length",
    "wait",
    "customer_name",
    "conversation_id",
];
const CLOSED: &[&str] = &["next_opening", "customer_name", "conversation_id"];

/// `handoff.messages`, described once: one field per [`MessageKind`], in its order.
pub(crate) static MESSAGES: Section = Section {
    name: "MessagesConfig",
    path: "handoff.messages",
    fields: &[
        Field::new(
            "handoff_initiated",
            Kind::Template(&["customer_name", "conversation_id"]),
            Default::Text("I'm connecting you with a team member who can help further."),
            doc!("said when a handoff starts"),
        ),
        Field::new(
            "waiting_for_agent",
            Kind::Template(QUEUE),
            Default::Text(
                "Please hold while I find an available agent. You're {{position}} in queue.",
            ),
            doc!("said when the conversation joins the queue"),
        ),
        Field::new(
            "queue_position_changed",
            Kind::Template(QUEUE),
            Default::Text("You're now {{position}} in queue."),
            doc!("said when the queue position changes"),
        ),
        Field::new(
            "agent_connected",
            Kind::Template(&["agent_name", "customer_name", "conversation_id"]),
            Default::Text("You're now connected with {{agent_name}}."),
            doc!("said when an agent takes the conversation"),
        ),
        Field::new(
            "outside_hours",
            Kind::Template(CLOSED),
            Default::Text(
                "Our team is currently offline. Can I collect your details for a callback?",
            ),
            doc!(
                "said outside business hours; `outside_hours.message` is used when this is absent"
            ),
        ),
        Field::new(
            "callback_confirmed",
            Kind::Template(&[
                "callback_time",
                "next_opening",
                "customer_name",
                "conversation_id",
            ]),
            Default::Text("Thank you. Our team will call you back {{callback_time}}."),
            doc!(
                "said when callback details were taken (`callback_time` is `when we open (Monday \
                 09:00 IST)`, or `shortly` when the team is open)"
            ),
        ),
        Field::new(
            "no_agent_available",
            Kind::Template(CLOSED),
            Default::Text("All our team members are busy right now."),
            doc!("said when no one is free and the fallback is `none`"),
        ),
        Field::new(
            "queue_full",
            Kind::Template(CLOSED),
            Default::Text(
                "Our queue is full right now. Can I collect your details for a callback?",
            ),
            doc!("said when the queue is full"),
        ),
        Field::new(
            "returned_to_ai",
            Kind::Template(&["agent_name", "customer_name", "conversation_id"]),
            Default::Text(
                "{{agent_name}} has handed you back to our assistant. You can ask for a person \
                 again at any time.",
            ),
            doc!("said when the agent gives the conversation back to the AI (`return_to_ai`)"),
        ),
        Field::new(
            "resolved",
            Kind::Template(&["agent_name", "customer_name", "conversation_id"]),
            Default::Text(
                "{{agent_name}} has marked this conversation as resolved. Write again any time if \
                 you need more help.",
            ),
            doc!("said when the conversation is resolved (`resolve`)"),
        ),
        Field::new(
            "csat_question",
            Kind::Template(&["agent_name", "customer_name", "conversation_id"]),
            Default::Text(
                "How satisfied are you with the help you got? Please rate it from 1 to 5.",
            ),
            doc!("asked after resolving, with `resolution.csat` (answered by a `csat` input)"),
        ),
    ],
    doc: doc!("What the customer is told: each message is a template of `{{placeholders}}`."),
    notes: doc!(
        "A placeholder a message does not offer is a configuration error (with a \"did you \
         mean\" hint). `{{next_opening}}` renders like `Monday 09:00 IST`. A placeholder \
         without a value (a customer who gave no name) renders empty, or as its fallback: \
         `Hi {{customer_name|there}}!` says `Hi there!`. `{{wait}}` (in the two queue messages) \
         is the estimated wait, `about 4 minutes`, from the handle times the engine observed and \
         the agents online; with fewer than three handle times or nobody online there is no \
         estimate, so give it a fallback: `The wait is {{wait|hard to say yet}}.`"
    ),
};

impl MessageKind {
    /// Every kind, in documentation order.
    pub const ALL: [MessageKind; 11] = [
        MessageKind::HandoffInitiated,
        MessageKind::WaitingForAgent,
        MessageKind::QueuePositionChanged,
        MessageKind::AgentConnected,
        MessageKind::OutsideHours,
        MessageKind::CallbackConfirmed,
        MessageKind::NoAgentAvailable,
        MessageKind::QueueFull,
        MessageKind::ReturnedToAi,
        MessageKind::Resolved,
        MessageKind::CsatQuestion,
    ];

    fn field(self) -> &'static Field {
        &MESSAGES.fields[self as usize]
    }

    /// The key under `handoff.messages` (also the `template` field of `message` outputs).
    pub fn key(self) -> &'static str {
        self.field().key
    }

    /// The placeholders this message may use.
    pub fn placeholders(self) -> &'static [&'static str] {
        match self.field().kind {
            Kind::Template(placeholders) => placeholders,
            _ => &[],
        }
    }

    fn default_text(self) -> &'static str {
        self.field().default_text()
    }
}

/// `handoff.messages`: one template per [`MessageKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Messages {
    templates: BTreeMap<MessageKind, Template>,
}

impl Messages {
    /// The template for `kind` (always present in a configuration that parsed).
    pub fn template(&self, kind: MessageKind) -> Option<&Template> {
        self.templates.get(&kind)
    }

    /// Renders the message `kind` with `value` giving each placeholder's text.
    pub fn render(&self, kind: MessageKind, value: &dyn Fn(&str) -> Option<String>) -> String {
        self.template(kind)
            .map(|t| t.render(value))
            .unwrap_or_default()
    }
}

/// Reads `handoff.messages`: every template, configured or default, parsed against the
/// placeholders its kind offers. `outside_message` is `handoff.outside_hours.message`.
pub(super) fn parse_messages(
    value: Option<&Value>,
    path: &str,
    outside_message: Option<String>,
    errors: &mut Errors,
) -> Messages {
    let obj = value.and_then(|v| Obj::new(v, path, &MESSAGES, errors));
    let mut templates = BTreeMap::new();
    for kind in MessageKind::ALL {
        let configured = obj.as_ref().and_then(|o| o.text(kind.field(), errors));
        let (source, source_path) = match (configured, kind) {
            (Some(text), _) => (text.to_string(), join(path, kind.key())),
            (None, MessageKind::OutsideHours) if outside_message.is_some() => (
                outside_message.clone().unwrap_or_default(),
                "handoff.outside_hours.message".to_string(),
            ),
            (None, _) => (kind.default_text().to_string(), join(path, kind.key())),
        };
        match Template::parse(&source, kind.placeholders()) {
            Ok(t) => {
                templates.insert(kind, t);
            }
            Err(e) => {
                errors.value(
                    ErrorKind::Invalid,
                    &source_path,
                    e.to_string(),
                    &Value::String(source.clone()),
                );
            }
        }
    }
    Messages { templates }
}

/// `handoff.outside_hours.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideHoursAction {
    /// Show the message and collect callback details (the default).
    CollectCallback,
    /// Queue anyway; agents take the queue when they come online.
    Queue,
    /// Only show the message; the AI keeps the conversation.
    Message,
}

/// `handoff.outside_hours`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideHours {
    /// What happens outside business hours.
    pub action: OutsideHoursAction,
}

const ACTION: Field = Field::new(
    "action",
    Kind::OneOf(&["collect_callback", "queue", "message"]),
    Default::Text("collect_callback"),
    doc!(
        "`collect_callback` (message, callback form, then a callback request at the next \
         opening), `queue` (queue anyway), `message` (only the message; the AI keeps the \
         conversation)"
    ),
);
const MESSAGE: Field = Field::new(
    "message",
    Kind::Text,
    Default::Absent(doc!("none")),
    doc!("what the customer is told outside business hours, when `messages.outside_hours` is not given"),
);

/// `handoff.outside_hours`, described once.
pub(crate) static OUTSIDE_HOURS: Section = Section {
    name: "OutsideHoursConfig",
    path: "handoff.outside_hours",
    fields: &[ACTION, MESSAGE],
    doc: doc!("What happens outside business hours."),
    notes: doc!(""),
};

/// Reads `handoff.outside_hours`, and its `message` for [`parse_messages`].
pub(super) fn parse_outside_hours(
    value: Option<&Value>,
    path: &str,
    errors: &mut Errors,
) -> (OutsideHours, Option<String>) {
    let mut outside = OutsideHours {
        action: OutsideHoursAction::CollectCallback,
    };
    let Some(value) = value else {
        return (outside, None);
    };
    let Some(obj) = Obj::new(value, path, &OUTSIDE_HOURS, errors) else {
        return (outside, None);
    };
    match obj.one_of(&ACTION, errors) {
        Some("queue") => outside.action = OutsideHoursAction::Queue,
        Some("message") => outside.action = OutsideHoursAction::Message,
        _ => {}
    }
    let message = obj.text(&MESSAGE, errors).map(str::to_string);
    (outside, message)
}
