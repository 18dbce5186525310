//! The subjects out-of-office replies carry, in the languages desks meet.

/// Phrases of out-of-office subjects, lower-case.
const PHRASES: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "automated response",
    "vacation",
    "away from",
    "on leave",
    "abwesenheitsnotiz",
    "abwesenheit",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "absence",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "risposta automatica",
    "fuori sede",
    "fuori ufficio",
    "automatisch antwoord",
    "afwezig",
    "autosvar",
    "frånvaro",
    "automatisk svar",
    "resposta automática",
    "automatyczna odpowiedź",
    "автоответ",
    "自動応答",
    "不在",
];

/// Whether a subject reads like an out-of-office reply's.
pub(super) fn is_out_of_office_subject(subject: &str) -> bool {
    let subject = subject.to_lowercase();
    PHRASES.iter().any(|phrase| subject.contains(phrase))
}
