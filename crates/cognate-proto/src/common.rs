//! Shapes shared by several operations: attributes, tags, the empty reply.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `AttributeType`: one user attribute as `{Name, Value}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    /// Attribute name, e.g. `email` or `custom:team`.
    pub name: Option<String>,
    /// Attribute value; absent or empty means "clear" where the operation allows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl AttributeType {
    /// A present name/value pair.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            value: Some(value.into()),
        }
    }
}

/// Reply of operations that have no output members: `{}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// Tags as a string map.
pub type Tags = BTreeMap<String, String>;

/// `TagResource`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    /// ARN of the user pool.
    pub resource_arn: Option<String>,
    /// Tags to add or overwrite.
    pub tags: Option<Tags>,
}

/// `UntagResource`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    /// ARN of the user pool.
    pub resource_arn: Option<String>,
    /// Tag keys to remove.
    pub tag_keys: Option<Vec<String>>,
}

/// `ListTagsForResource`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceRequest {
    /// ARN of the user pool.
    pub resource_arn: Option<String>,
}

/// `ListTagsForResource` reply.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceResponse {
    /// The pool's tags.
    pub tags: Tags,
}
