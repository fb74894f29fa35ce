//! # ai — model clients and the keyword clustering engine
//!
//! Purpose: everything that talks to a model or reasons about keywords without knowing about HTTP handlers or
//! tenants. It will hold the small traits (`TextModel`, `ImageModel`, `Embedder`), the provider clients
//! (OpenAI-compatible, Anthropic, Gemini, OpenAI Images, Runware, Offline), tolerant structured-output parsing
//! and the local clustering engine (SPEC.md §5, §6).
//!
//! Status: empty until the AI-engine and planner issues land; it exists now so the dependency arrows of
//! ARCHITECTURE.md (`server → ai → domain`) are fixed from the first commit.
