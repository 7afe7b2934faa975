"""Use cases. Each public function runs inside the caller's single transaction."""
