//! `handoff.agents[]`: agents known from configuration.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::read::{
    index, join, number_kind, strings_at, type_name, Default, Errors, Field, Kind, Obj, Section,
};
use crate::wire::error::ErrorKind;

/// One agent known from configuration (`handoff.agents[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentProfile {
    /// Agent id as used everywhere else (`agent_1`).
    pub id: String,
    /// Name shown to customers (`{{agent_name}}`); defaults to the id.
    pub name: Option<String>,
    /// Skill -> proficiency (1..=10, default 1).
    pub skills: BTreeMap<String, u8>,
    /// This agent's own capacity, overriding `routing.max_concurrent_per_agent`.
    pub max_concurrent: Option<u32>,
}

const ID: Field = Field::new(
    "id",
    Kind::Text,
    Default::Absent(doc!("required")),
    doc!("the agent's id, as inputs name it (`agent_1`)"),
)
.required();
const NAME: Field = Field::new(
    "name",
    Kind::Text,
    Default::Absent(doc!("the id")),
    doc!("the name customers are shown (`{{agent_name}}`)"),
);
const SKILLS: Field = Field::new(
    "skills",
    Kind::Custom {
        what: doc!("array of skills, or object of skill → proficiency 1 to 10"),
        shape: shape!({
            "anyOf": [
                {"type": "array", "items": {"type": "string", "pattern": "\\S"}},
                {"type": "object", "additionalProperties": {
                    "type": "integer", "minimum": 1, "maximum": 10
                }}
            ]
        }),
    },
    Default::Absent(doc!("none")),
    doc!("`[\"billing\"]` (proficiency 1 each) or `{\"billing\": 5}`"),
);
const MAX_CONCURRENT: Field = Field::new(
    "max_concurrent",
    Kind::Whole { min: 1, max: 1000 },
    Default::Absent(doc!("`routing.max_concurrent_per_agent`")),
    doc!("this agent's own capacity"),
);

/// One object of `handoff.agents`, described once.
pub(crate) static AGENT: Section = Section {
    name: "AgentConfig",
    path: "handoff.agents[]",
    fields: &[ID, NAME, SKILLS, MAX_CONCURRENT],
    doc: doc!("An agent known from configuration, with a name, skills and capacity."),
    notes: doc!(""),
};

/// Reads `handoff.agents`: each id once.
pub(super) fn parse_agents(value: &Value, path: &str, errors: &mut Errors) -> Vec<AgentProfile> {
    let Value::Array(items) = value else {
        errors.value(
            ErrorKind::WrongType,
            path,
            format!("expected an array of agents, found {}", type_name(value)),
            value,
        );
        return Vec::new();
    };
    let mut out: Vec<AgentProfile> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = index(path, i);
        let Some(obj) = Obj::new(item, &item_path, &AGENT, errors) else {
            continue;
        };
        let id = obj.text(&ID, errors);
        if obj.get(ID.key).is_none() {
            errors.at(
                ErrorKind::Missing,
                &obj.path_of(ID.key),
                "missing field \"id\"",
            );
        }
        let name = obj.text(&NAME, errors).map(str::to_string);
        let max_concurrent = obj.whole(&MAX_CONCURRENT, errors).map(|n| n as u32);
        let skills = match obj.get(SKILLS.key) {
            Some(v) => parse_skills(v, &obj.path_of(SKILLS.key), errors),
            None => BTreeMap::new(),
        };
        if let Some(id) = id {
            if out.iter().any(|a| a.id == id) {
                errors.value(
                    ErrorKind::Duplicate,
                    &obj.path_of(ID.key),
                    "agent id listed twice",
                    &Value::String(id.into()),
                );
                continue;
            }
            out.push(AgentProfile {
                id: id.to_string(),
                name,
                skills,
                max_concurrent,
            });
        }
    }
    out
}

/// An agent's `skills`: a list (proficiency 1 each) or skill -> proficiency.
fn parse_skills(v: &Value, skills_path: &str, errors: &mut Errors) -> BTreeMap<String, u8> {
    let mut skills = BTreeMap::new();
    match v {
        Value::Array(_) => {
            for s in strings_at(v, skills_path, errors).unwrap_or_default() {
                skills.insert(s, 1);
            }
        }
        Value::Object(map) => {
            for (skill, level) in map {
                match level.as_u64() {
                    Some(l) if (1..=10).contains(&l) => {
                        skills.insert(skill.clone(), l as u8);
                    }
                    _ => errors.value(
                        number_kind(level),
                        &join(skills_path, skill),
                        "expected a proficiency from 1 to 10",
                        level,
                    ),
                }
            }
        }
        other => errors.value(
            ErrorKind::WrongType,
            skills_path,
            format!(
                "expected a list of skills or an object of skill -> proficiency, found {}",
                type_name(other)
            ),
            other,
        ),
    }
    skills
}
