//! The prompt types the AI functions use: each with its placeholders and built-in default text. The text an
//! account actually gets is its own override, else the platform's global one, else this default
//! (`modules::ai_settings::prompts` resolves that).

/// One placeholder a function fills in.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    pub name: &'static str,
    pub required: bool,
    pub description: &'static str,
}

/// A prompt type: its key, what it is for, its variables and its default text.
#[derive(Debug, Clone, Copy)]
pub struct PromptSpec {
    pub prompt_type: &'static str,
    pub label: &'static str,
    pub variables: &'static [Variable],
    pub default: &'static str,
}

impl PromptSpec {
    pub fn known(&self) -> Vec<&'static str> {
        self.variables.iter().map(|v| v.name).collect()
    }

    pub fn required(&self) -> Vec<&'static str> {
        self.variables.iter().filter(|v| v.required).map(|v| v.name).collect()
    }
}

const fn var(name: &'static str, required: bool, description: &'static str) -> Variable {
    Variable { name, required, description }
}

pub const CLUSTERING: PromptSpec = PromptSpec {
    prompt_type: "clustering",
    label: "Keyword clustering",
    variables: &[
        var("keywords", true, "The keywords with volume, difficulty and intent, one per line"),
        var("groups", false, "Groups proposed by the local clustering engine, to name and check"),
        var("sector", false, "The sector the keywords belong to"),
        var("site_name", false, "The site's name"),
    ],
    default: "You are an SEO strategist. Group these keywords of the {sector} sector (site: {site_name}) into \
topical clusters that one article or page could cover.\n\nRules:\n- Each cluster has 3 to 10 keywords where \
possible; a keyword belongs to at most one cluster.\n- Name each cluster as a human topic (2 to 5 words), unique \
within this list, and describe it in one sentence.\n- Use the keywords exactly as given.\n\nA local engine \
proposed these groups; keep them unless a keyword clearly belongs elsewhere:\n{groups}\n\nKeywords:\n{keywords}\n\n\
Answer with JSON only: {\"clusters\": [{\"name\": \"…\", \"description\": \"…\", \"keywords\": [\"…\"]}]}",
};

pub const IDEAS: PromptSpec = PromptSpec {
    prompt_type: "ideas",
    label: "Content ideas with outlines",
    variables: &[
        var("cluster_name", true, "The cluster's name"),
        var("cluster_description", false, "The cluster's description"),
        var("keywords", true, "The cluster's keywords with volume"),
        var("sector", false, "The sector"),
        var("site_name", false, "The site's name"),
        var("idea_count", false, "How many ideas to propose (3 to 7)"),
    ],
    default: "You are an SEO content strategist for {site_name} ({sector}). Propose {idea_count} article ideas \
for the topic cluster \"{cluster_name}\": {cluster_description}\n\nKeywords of the cluster:\n{keywords}\n\n\
Each idea has a title, a one-sentence description, a content type (post, page, guide, comparison, listicle, \
how_to), a content structure, 1-2 primary keywords and 2-3 covered keywords taken from the list, a target word \
count between 1200 and 1800, and an outline of 6 to 10 H2 sections, each with 1-3 H3 subsections.\n\nAnswer with \
JSON only: {\"ideas\": [{\"title\": \"…\", \"description\": \"…\", \"content_type\": \"post\", \
\"content_structure\": \"…\", \"primary_keywords\": [\"…\"], \"covered_keywords\": [\"…\"], \
\"target_word_count\": 1500, \"outline\": [{\"h2\": \"…\", \"h3\": [\"…\"]}]}]}",
};

pub const CONTENT: PromptSpec = PromptSpec {
    prompt_type: "content_generation",
    label: "Article writing",
    variables: &[
        var("title", true, "The working title"),
        var("outline", true, "The idea's outline: H2 sections with their H3s"),
        var("primary_keyword", false, "The main keyword"),
        var("keywords", false, "Secondary keywords to cover"),
        var("tone", false, "Tone of voice"),
        var("target_words", false, "Target length in words"),
        var("content_type", false, "Post, page, guide…"),
        var("author_profile", false, "Who writes, for whom"),
        var("extra_instructions", false, "The account's own instructions"),
    ],
    default: "Write an SEO article titled \"{title}\" ({content_type}) of about {target_words} words in a \
{tone} tone. {author_profile}\n\nFollow this outline exactly, one H2 per section, in order:\n{outline}\n\n\
Main keyword: {primary_keyword}. Also cover: {keywords}.\n\nRules: no H1 in the body; start with an introduction \
paragraph that uses the main keyword; mix paragraphs of 50-80 words with lists, and one table in the article; end \
with a conclusion. HTML only: p, h2, h3, ul, ol, li, table, thead, tbody, tr, th, td, strong, em, a, blockquote.\n\
{extra_instructions}\n\nAnswer with JSON only: {\"title\": \"…\", \"meta_title\": \"≤ 60 characters\", \
\"meta_description\": \"≤ 160 characters\", \"content\": \"<p>…</p>\", \"primary_keyword\": \"…\", \
\"secondary_keywords\": [\"…\"], \"tags\": [\"…\"], \"categories\": [\"…\"]}",
};

pub const IMAGE_PROMPTS: PromptSpec = PromptSpec {
    prompt_type: "image_prompt_extraction",
    label: "Image prompts from an article",
    variables: &[
        var("title", true, "The article's title"),
        var("sections", false, "The article's H2 headings"),
        var("in_article_count", false, "How many in-article images"),
    ],
    default: "Read this article outline and describe images for it: one featured image and {in_article_count} \
in-article images, each a concrete visual scene (subject, setting, light), no text, no logos. The in-article images \
illustrate the sections in order: the first one the first section, the second one the second, and so on (leave out \
a conclusion); each is placed after its section.\n\nTitle: {title}\n\
Sections:\n{sections}\n\nAnswer with JSON only: {\"featured_prompt\": \"…\", \"in_article_prompts\": [\"…\"]}",
};

pub const IMAGE_TEMPLATE: PromptSpec = PromptSpec {
    prompt_type: "image_prompt_template",
    label: "Image style template",
    variables: &[var("subject", true, "The scene to draw"), var("style", false, "The account's image style")],
    default: "{subject}. {style} style, realistic photo for a blog post, natural light, high detail, no text, no \
logos, no watermark.",
};

pub const NEGATIVE: PromptSpec = PromptSpec {
    prompt_type: "negative_prompt",
    label: "Negative prompt for images",
    variables: &[],
    default: "text, letters, watermark, logo, signature, blurry, low quality, distorted hands, extra limbs",
};

/// Every prompt type, in the order the settings page shows them.
pub const ALL: [PromptSpec; 6] = [CLUSTERING, IDEAS, CONTENT, IMAGE_PROMPTS, IMAGE_TEMPLATE, NEGATIVE];

pub fn spec(prompt_type: &str) -> Option<&'static PromptSpec> {
    ALL.iter().find(|s| s.prompt_type == prompt_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_use_only_their_variables_and_all_required_ones() {
        for spec in ALL {
            let result = domain::prompt::check(spec.default, &spec.known(), &spec.required());
            assert!(result.is_ok(), "{}: {result:?}", spec.prompt_type);
        }
    }
}
