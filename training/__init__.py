"""Training material generated from the graph (modules, handouts, slides, quizzes, flashcards)."""
