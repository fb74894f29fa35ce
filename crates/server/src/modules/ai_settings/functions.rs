//! The AI functions this build knows, with the model type each needs and its minimum charge (SPEC.md §7:
//! `credits = max(min_credits, ceil(tokens / tokens_per_credit))`). Staff can change the minimum and the model
//! per function in `ai_function_settings`; these are the defaults.

#[derive(Debug, Clone, Copy)]
pub struct FunctionInfo {
    pub name: &'static str,
    pub label: &'static str,
    /// `text` or `image`.
    pub model_type: &'static str,
    pub min_credits: i64,
}

const fn info(name: &'static str, label: &'static str, model_type: &'static str, min: i64) -> FunctionInfo {
    FunctionInfo { name, label, model_type, min_credits: min }
}

pub const FUNCTIONS: &[FunctionInfo] = &[
    info("connection_test", "Connection test", "text", 1),
    info("auto_cluster", "Keyword clustering", "text", 2),
    info("generate_ideas", "Content ideas", "text", 1),
    info("generate_content", "Article writing", "text", 3),
    info("generate_image_prompts", "Image prompts", "text", 1),
    info("generate_images", "Images", "image", 1),
    info("optimize_content", "Content optimisation", "text", 1),
];

pub fn function(name: &str) -> Option<&'static FunctionInfo> {
    FUNCTIONS.iter().find(|f| f.name == name)
}
