-- Parity's schema for a blank postgresql database, made from the models by
-- `python -m parity.store.schema`: generated, not edited (docs/store.md).

-- next statement
CREATE TABLE sources (
	id SERIAL NOT NULL,
	kind VARCHAR(32) NOT NULL,
	file_name VARCHAR(500) NOT NULL,
	sha256 VARCHAR(64) NOT NULL,
	imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
	row_count INTEGER NOT NULL,
	note TEXT,
	CONSTRAINT pk_sources PRIMARY KEY (id),
	CONSTRAINT uq_sources_kind UNIQUE (kind, sha256)
)
-- next statement
CREATE TABLE data_version (
	id SERIAL NOT NULL,
	version BIGINT NOT NULL,
	stamp VARCHAR(32) NOT NULL,
	changed_at BIGINT NOT NULL,
	CONSTRAINT pk_data_version PRIMARY KEY (id)
)
-- next statement
INSERT INTO data_version (id, version, stamp, changed_at) VALUES (1, 0, 'initial', 0)
-- next statement
CREATE TABLE users (
	id SERIAL NOT NULL,
	email VARCHAR(254) NOT NULL,
	role VARCHAR(16) NOT NULL,
	force_id VARCHAR(64),
	password_hash VARCHAR(255) NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	last_sign_in_at TIMESTAMP WITH TIME ZONE,
	CONSTRAINT pk_users PRIMARY KEY (id),
	CONSTRAINT uq_users_email UNIQUE (email)
)
-- next statement
CREATE TABLE sign_in_counters (
	scope VARCHAR(8) NOT NULL,
	key VARCHAR(254) NOT NULL,
	window_start TIMESTAMP WITH TIME ZONE NOT NULL,
	attempts INTEGER NOT NULL,
	CONSTRAINT pk_sign_in_counters PRIMARY KEY (scope, key)
)
-- next statement
CREATE TABLE hr_events (
	id SERIAL NOT NULL,
	source_id INTEGER NOT NULL,
	source_row INTEGER NOT NULL,
	force_id VARCHAR(64) NOT NULL,
	person_id VARCHAR(64) NOT NULL,
	sex VARCHAR(32) NOT NULL,
	event VARCHAR(24) NOT NULL,
	event_date DATE NOT NULL,
	year INTEGER NOT NULL,
	worker_type VARCHAR(16) NOT NULL,
	rank VARCHAR(40) NOT NULL,
	from_rank VARCHAR(40),
	fte FLOAT NOT NULL,
	leaving_reason VARCHAR(16),
	worker_type_before VARCHAR(16),
	rank_before VARCHAR(40),
	CONSTRAINT pk_hr_events PRIMARY KEY (id)
)
-- next statement
CREATE INDEX ix_hr_events_force_year ON hr_events (force_id, year)
-- next statement
CREATE TABLE reporting_years (
	year INTEGER NOT NULL,
	opens_on DATE NOT NULL,
	deadline DATE NOT NULL,
	publication_date DATE,
	max_case_studies INTEGER NOT NULL,
	change_threshold_points INTEGER NOT NULL,
	opened_by VARCHAR(254) NOT NULL,
	opened_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT pk_reporting_years PRIMARY KEY (year)
)
-- next statement
CREATE TABLE user_sessions (
	id SERIAL NOT NULL,
	token_sha256 VARCHAR(64) NOT NULL,
	user_id INTEGER NOT NULL,
	csrf_token VARCHAR(64) NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT pk_user_sessions PRIMARY KEY (id),
	CONSTRAINT uq_user_sessions_token_sha256 UNIQUE (token_sha256),
	CONSTRAINT fk_user_sessions_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
)
-- next statement
CREATE INDEX ix_user_sessions_user_id ON user_sessions (user_id)
-- next statement
CREATE TABLE commitments (
	id SERIAL NOT NULL,
	ref VARCHAR(80) NOT NULL,
	scope VARCHAR(16) NOT NULL,
	force_id VARCHAR(64),
	parent_ref VARCHAR(80),
	title VARCHAR(300) NOT NULL,
	theme VARCHAR(64) NOT NULL,
	owner VARCHAR(200),
	made_on DATE NOT NULL,
	summary TEXT,
	state VARCHAR(16) NOT NULL,
	version INTEGER NOT NULL,
	source_id INTEGER,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT pk_commitments PRIMARY KEY (id),
	CONSTRAINT uq_commitments_ref UNIQUE (ref),
	CONSTRAINT fk_commitments_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE INDEX ix_commitments_force_id ON commitments (force_id)
-- next statement
CREATE INDEX ix_commitments_source_id ON commitments (source_id)
-- next statement
CREATE TABLE paygap_returns (
	id SERIAL NOT NULL,
	source_id INTEGER NOT NULL,
	source_row INTEGER NOT NULL,
	snapshot_year INTEGER NOT NULL,
	partial BOOLEAN NOT NULL,
	employer_id INTEGER,
	employer_name VARCHAR(500) NOT NULL,
	current_name VARCHAR(500),
	post_code VARCHAR(32),
	company_number VARCHAR(32),
	sic_codes VARCHAR(300) NOT NULL,
	public_administration BOOLEAN NOT NULL,
	force_id VARCHAR(64),
	diff_mean_hourly_percent FLOAT,
	diff_median_hourly_percent FLOAT,
	diff_mean_bonus_percent FLOAT,
	diff_median_bonus_percent FLOAT,
	male_bonus_percent FLOAT,
	female_bonus_percent FLOAT,
	male_lower_quartile FLOAT,
	female_lower_quartile FLOAT,
	male_lower_middle_quartile FLOAT,
	female_lower_middle_quartile FLOAT,
	male_upper_middle_quartile FLOAT,
	female_upper_middle_quartile FLOAT,
	male_top_quartile FLOAT,
	female_top_quartile FLOAT,
	link TEXT,
	responsible_person TEXT,
	employer_size VARCHAR(32),
	size_min INTEGER,
	size_max INTEGER,
	submitted_late BOOLEAN,
	due_date DATE,
	date_submitted TIMESTAMP WITHOUT TIME ZONE,
	CONSTRAINT pk_paygap_returns PRIMARY KEY (id),
	CONSTRAINT fk_paygap_returns_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE INDEX ix_paygap_returns_employer ON paygap_returns (employer_id)
-- next statement
CREATE INDEX ix_paygap_returns_source_id ON paygap_returns (source_id)
-- next statement
CREATE INDEX ix_paygap_returns_year_force ON paygap_returns (snapshot_year, force_id)
-- next statement
CREATE TABLE crime_figures (
	id SERIAL NOT NULL,
	source_id INTEGER NOT NULL,
	source_row INTEGER NOT NULL,
	period_end DATE NOT NULL,
	area_id VARCHAR(64) NOT NULL,
	area_kind VARCHAR(16) NOT NULL,
	area_code VARCHAR(16),
	area_name VARCHAR(200) NOT NULL,
	offence VARCHAR(40) NOT NULL,
	count FLOAT,
	rate FLOAT,
	change_pct FLOAT,
	population FLOAT,
	CONSTRAINT pk_crime_figures PRIMARY KEY (id),
	CONSTRAINT uq_crime_figures_period_end UNIQUE (period_end, area_id, offence),
	CONSTRAINT fk_crime_figures_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE INDEX ix_crime_figures_area_offence ON crime_figures (area_id, offence)
-- next statement
CREATE INDEX ix_crime_figures_source_id ON crime_figures (source_id)
-- next statement
CREATE TABLE hr_stocks (
	id SERIAL NOT NULL,
	source_id INTEGER NOT NULL,
	force_id VARCHAR(64) NOT NULL,
	year INTEGER NOT NULL,
	worker_type VARCHAR(16) NOT NULL,
	rank VARCHAR(40) NOT NULL,
	sex VARCHAR(32) NOT NULL,
	headcount INTEGER NOT NULL,
	fte FLOAT NOT NULL,
	CONSTRAINT pk_hr_stocks PRIMARY KEY (id),
	CONSTRAINT uq_hr_stocks_force_id UNIQUE (force_id, year, worker_type, rank, sex),
	CONSTRAINT fk_hr_stocks_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE INDEX ix_hr_stocks_source_id ON hr_stocks (source_id)
-- next statement
CREATE TABLE library_articles (
	id SERIAL NOT NULL,
	source_id INTEGER NOT NULL,
	url VARCHAR(1000),
	content_hash VARCHAR(64) NOT NULL,
	title VARCHAR(500) NOT NULL,
	description TEXT,
	area VARCHAR(200),
	force_id VARCHAR(64),
	force_origin VARCHAR(16),
	published DATE,
	format VARCHAR(16) NOT NULL,
	file_name VARCHAR(500) NOT NULL,
	body TEXT NOT NULL,
	text TEXT NOT NULL,
	imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	search_vector TSVECTOR,
	CONSTRAINT pk_library_articles PRIMARY KEY (id),
	CONSTRAINT uq_library_articles_url UNIQUE (url),
	CONSTRAINT uq_library_articles_content_hash UNIQUE (content_hash),
	CONSTRAINT fk_library_articles_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE INDEX ix_library_articles_force_published ON library_articles (force_id, published)
-- next statement
CREATE INDEX ix_library_articles_published ON library_articles (published)
-- next statement
CREATE INDEX ix_library_articles_search_vector ON library_articles USING gin (search_vector)
-- next statement
CREATE INDEX ix_library_articles_source_id ON library_articles (source_id)
-- next statement
CREATE FUNCTION library_articles_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.text, '')), 'C');
        RETURN NEW;
    END
    $$
-- next statement
CREATE TRIGGER library_articles_search_vector
    BEFORE INSERT OR UPDATE OF title, description, text ON library_articles
    FOR EACH ROW EXECUTE FUNCTION library_articles_search_vector()
-- next statement
ALTER TABLE library_articles ALTER COLUMN search_vector SET STORAGE MAIN
-- next statement
CREATE TABLE force_returns (
	id SERIAL NOT NULL,
	year INTEGER NOT NULL,
	force_id VARCHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	content JSON NOT NULL,
	computed_paygap JSON,
	submitted_by VARCHAR(254),
	submitted_at TIMESTAMP WITH TIME ZONE,
	accepted_by VARCHAR(254),
	accepted_at TIMESTAMP WITH TIME ZONE,
	published JSON,
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT pk_force_returns PRIMARY KEY (id),
	CONSTRAINT uq_force_returns_year UNIQUE (year, force_id),
	CONSTRAINT fk_force_returns_year_reporting_years FOREIGN KEY(year) REFERENCES reporting_years (year) ON DELETE CASCADE
)
-- next statement
CREATE INDEX ix_force_returns_year ON force_returns (year)
-- next statement
CREATE TABLE workforce_editions (
	source_id INTEGER NOT NULL,
	published DATE NOT NULL,
	in_use BOOLEAN NOT NULL,
	CONSTRAINT pk_workforce_editions PRIMARY KEY (source_id),
	CONSTRAINT fk_workforce_editions_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE TABLE workforce_edition_counts (
	id SERIAL NOT NULL,
	source_id INTEGER NOT NULL,
	source_row INTEGER NOT NULL,
	year INTEGER NOT NULL,
	force_id VARCHAR(64) NOT NULL,
	worker_type VARCHAR(16) NOT NULL,
	rank VARCHAR(40) NOT NULL,
	sex VARCHAR(32) NOT NULL,
	headcount FLOAT NOT NULL,
	fte FLOAT,
	CONSTRAINT pk_workforce_edition_counts PRIMARY KEY (id),
	CONSTRAINT uq_workforce_edition_counts_source_id UNIQUE (source_id, year, force_id, worker_type, rank, sex),
	CONSTRAINT fk_workforce_edition_counts_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE TABLE workforce_current (
	year INTEGER NOT NULL,
	force_id VARCHAR(64) NOT NULL,
	source_id INTEGER NOT NULL,
	CONSTRAINT pk_workforce_current PRIMARY KEY (year, force_id),
	CONSTRAINT fk_workforce_current_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE TABLE commitment_indicators (
	id SERIAL NOT NULL,
	commitment_id INTEGER NOT NULL,
	position INTEGER NOT NULL,
	kind VARCHAR(32) NOT NULL,
	label VARCHAR(300) NOT NULL,
	role VARCHAR(16) NOT NULL,
	params JSON NOT NULL,
	direction VARCHAR(8) NOT NULL,
	baseline_year INTEGER,
	baseline_value FLOAT,
	baseline_evidence TEXT,
	target_value FLOAT,
	target_date DATE,
	CONSTRAINT pk_commitment_indicators PRIMARY KEY (id),
	CONSTRAINT uq_commitment_indicators_commitment_id UNIQUE (commitment_id, position),
	CONSTRAINT fk_commitment_indicators_commitment_id_commitments FOREIGN KEY(commitment_id) REFERENCES commitments (id)
)
-- next statement
CREATE INDEX ix_commitment_indicators_commitment_id ON commitment_indicators (commitment_id)
-- next statement
CREATE TABLE commitment_links (
	id SERIAL NOT NULL,
	commitment_id INTEGER NOT NULL,
	article VARCHAR(500) NOT NULL,
	note TEXT,
	CONSTRAINT pk_commitment_links PRIMARY KEY (id),
	CONSTRAINT uq_commitment_links_commitment_id UNIQUE (commitment_id, article),
	CONSTRAINT fk_commitment_links_commitment_id_commitments FOREIGN KEY(commitment_id) REFERENCES commitments (id)
)
-- next statement
CREATE INDEX ix_commitment_links_commitment_id ON commitment_links (commitment_id)
-- next statement
CREATE TABLE commitment_changes (
	id SERIAL NOT NULL,
	commitment_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	action VARCHAR(32) NOT NULL,
	summary TEXT NOT NULL,
	changed_by VARCHAR(200) NOT NULL,
	effective_at TIMESTAMP WITH TIME ZONE NOT NULL,
	recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
	snapshot JSON NOT NULL,
	CONSTRAINT pk_commitment_changes PRIMARY KEY (id),
	CONSTRAINT uq_commitment_changes_commitment_id UNIQUE (commitment_id, version),
	CONSTRAINT fk_commitment_changes_commitment_id_commitments FOREIGN KEY(commitment_id) REFERENCES commitments (id)
)
-- next statement
CREATE INDEX ix_commitment_changes_commitment_id ON commitment_changes (commitment_id)
-- next statement
CREATE TABLE library_article_themes (
	article_id INTEGER NOT NULL,
	theme VARCHAR(64) NOT NULL,
	origin VARCHAR(16) NOT NULL,
	CONSTRAINT pk_library_article_themes PRIMARY KEY (article_id, theme),
	CONSTRAINT fk_library_article_themes_article_id_library_articles FOREIGN KEY(article_id) REFERENCES library_articles (id) ON DELETE CASCADE
)
-- next statement
CREATE INDEX ix_library_article_themes_theme ON library_article_themes (theme, article_id)
-- next statement
CREATE TABLE library_corrections (
	id SERIAL NOT NULL,
	article_id INTEGER NOT NULL,
	action VARCHAR(16) NOT NULL,
	value VARCHAR(64) NOT NULL,
	note TEXT,
	made_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT pk_library_corrections PRIMARY KEY (id),
	CONSTRAINT fk_library_corrections_article_id_library_articles FOREIGN KEY(article_id) REFERENCES library_articles (id) ON DELETE CASCADE
)
-- next statement
CREATE INDEX ix_library_corrections_article_id ON library_corrections (article_id)
-- next statement
CREATE TABLE return_events (
	id SERIAL NOT NULL,
	return_id INTEGER NOT NULL,
	at TIMESTAMP WITH TIME ZONE NOT NULL,
	by VARCHAR(254) NOT NULL,
	action VARCHAR(32) NOT NULL,
	comment TEXT,
	changes JSON,
	CONSTRAINT pk_return_events PRIMARY KEY (id),
	CONSTRAINT fk_return_events_return_id_force_returns FOREIGN KEY(return_id) REFERENCES force_returns (id) ON DELETE CASCADE
)
-- next statement
CREATE INDEX ix_return_events_return_id ON return_events (return_id)
-- next statement
CREATE TABLE commitment_values (
	id SERIAL NOT NULL,
	indicator_id INTEGER NOT NULL,
	force_id VARCHAR(64),
	year INTEGER NOT NULL,
	value FLOAT NOT NULL,
	evidence TEXT NOT NULL,
	entered_by VARCHAR(200) NOT NULL,
	entered_at TIMESTAMP WITH TIME ZONE NOT NULL,
	source_id INTEGER,
	CONSTRAINT pk_commitment_values PRIMARY KEY (id),
	CONSTRAINT fk_commitment_values_indicator_id_commitment_indicators FOREIGN KEY(indicator_id) REFERENCES commitment_indicators (id),
	CONSTRAINT fk_commitment_values_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
)
-- next statement
CREATE INDEX ix_commitment_values_lookup ON commitment_values (indicator_id, force_id, year)
-- next statement
CREATE INDEX ix_commitment_values_source_id ON commitment_values (source_id)
-- next statement
CREATE VIEW workforce_counts AS SELECT c.id, c.source_id, c.source_row, w.year, w.force_id, c.worker_type, c.rank, c.sex, c.headcount, c.fte FROM workforce_current AS w JOIN workforce_edition_counts AS c ON c.source_id = w.source_id AND c.year = w.year AND c.force_id = w.force_id
-- next statement
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	PRIMARY KEY (version_num)
)
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('accounts_0002')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('commitments_0001')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('context_0001')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('flows_0002')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('library_0001')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('returns_0001')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('store_0002')
-- next statement
INSERT INTO alembic_version (version_num) VALUES ('workforce_0003')
