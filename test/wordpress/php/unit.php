<?php
/**
 * The plugin's PHP layer inside a real WordPress (run by test/wordpress/php.test.ts with wp-load.php loaded and the
 * plugin active). Plain assertions: each failure prints "FAIL <what>"; the last line is "OK <n>" when all held.
 */

$checks = 0;
$failed = 0;
function check( bool $ok, string $what ): void {
	global $checks, $failed;
	++$checks;
	if ( ! $ok ) {
		++$failed;
		echo "FAIL $what\n";
	}
}

// Vault: round trip, fresh nonce each time, tampering and foreign values refused.
$secret = 'ak_live_' . bin2hex( random_bytes( 16 ) );
$a      = API_Credits_Vault::seal( $secret );
$b      = API_Credits_Vault::seal( $secret );
check( API_Credits_Vault::open( $a ) === $secret, 'a sealed value opens to itself' );
check( $a !== $b, 'two seals of one value differ (random nonce)' );
check( ! str_contains( $a, $secret ) && ! str_contains( base64_decode( substr( $a, 5 ) ), $secret ), 'the sealed value does not contain the secret' );
$raw      = base64_decode( substr( $a, 5 ) );
$raw[30]  = chr( ord( $raw[30] ) ^ 1 );
check( null === API_Credits_Vault::open( 'acv1:' . base64_encode( $raw ) ), 'a tampered value is refused' );
check( null === API_Credits_Vault::open( $secret ), 'an unsealed value is refused' );
check( null === API_Credits_Vault::open( 'acv1:!!!' ), 'garbage is refused' );

// The stored connection: the key only sealed at rest, and never in what the screens are given.
API_Credits_Settings::save_connection( 'http://127.0.0.1:9', 'site_x', $secret, 'key_x' );
global $wpdb;
$stored = $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM {$wpdb->options} WHERE option_name = %s", API_Credits_Settings::CONNECTION ) );
check( is_string( $stored ) && ! str_contains( $stored, $secret ), 'the database row does not hold the key in clear' );
check( API_Credits_Settings::site_key() === $secret, 'the client can read the key' );
check( ! str_contains( wp_json_encode( API_Credits_Settings::public_connection() ), $secret ), 'the public connection has no key' );
check( true === API_Credits_Settings::is_connected(), 'connected once saved' );

// REST permissions: settings need manage_options, media upload_files; visitors get 401, authors 403.
$subscriber = wp_insert_user( array( 'user_login' => 'sub' . wp_rand(), 'user_pass' => wp_generate_password(), 'role' => 'subscriber' ) );
$author     = wp_insert_user( array( 'user_login' => 'aut' . wp_rand(), 'user_pass' => wp_generate_password(), 'role' => 'author' ) );
$status     = function ( string $method, string $route, array $body = array() ): int {
	$req = new WP_REST_Request( $method, '/api-credits/v1' . $route );
	foreach ( $body as $k => $v ) {
		$req->set_param( $k, $v );
	}
	return rest_do_request( $req )->get_status();
};
wp_set_current_user( 0 );
check( 401 === $status( 'GET', '/connection' ), 'a visitor cannot read the connection' );
check( 401 === $status( 'POST', '/connect', array( 'serviceUrl' => 'http://127.0.0.1:9', 'key' => 'x' ) ), 'a visitor cannot connect' );
check( 401 === $status( 'GET', '/sync' ), 'a visitor cannot read the sync queue' );
check( 401 === $status( 'POST', '/media/1/upscale' ), 'a visitor cannot spend on media' );
check( 401 === $status( 'DELETE', '/data' ), 'a visitor cannot delete data' );
wp_set_current_user( $subscriber );
check( 403 === $status( 'GET', '/balance' ), 'a subscriber cannot read the balance' );
check( 403 === $status( 'POST', '/media/generate', array( 'prompt' => 'x' ) ), 'a subscriber cannot generate' );
wp_set_current_user( $author );
check( 403 === $status( 'POST', '/disconnect' ), 'an author cannot disconnect' );
check( 403 === $status( 'POST', '/options', array( 'searchEnabled' => true ) ), 'an author cannot change options' );
check( 403 === $status( 'POST', '/index' ), 'an author cannot run the bulk index' );
check( 403 === $status( 'POST', '/sync' ), 'an author cannot force the sync queue' );
check( 403 === $status( 'GET', '/plan' ), 'an author cannot read the plan' );
check( true === API_Credits_Settings::is_connected(), 'still connected after the refused disconnect' );
wp_set_current_user( $subscriber );
check( 403 === $status( 'GET', '/media/jobs/abcdefgh-1234' ), 'a subscriber cannot poll a job' );
wp_set_current_user( 1 );
check( 200 === $status( 'GET', '/connection' ), 'an administrator reads the connection' );
// A job is its starter's: another user polling its key is answered like a missing one.
set_transient( 'api_credits_job_' . md5( 'abcdefgh-1234' ), array( 'user' => $author, 'path' => '/v1/images/upscales', 'body' => array(), 'source' => 0, 'label' => 'x' ), 60 );
check( 404 === $status( 'GET', '/media/jobs/abcdefgh-1234' ), "another user's job answers 404" );
check( 404 === $status( 'GET', '/media/jobs/nosuchjob-1' ), 'a missing job answers 404' );

// Options are sanitised: unknown post types dropped, limits clamped.
$r = rest_do_request( ( new WP_REST_Request( 'POST', '/api-credits/v1/options' ) )->set_body_params( array() ) );
$req = new WP_REST_Request( 'POST', '/api-credits/v1/options' );
$req->set_param( 'postTypes', array( 'post', 'nav_menu_item', '<script>' ) );
$req->set_param( 'searchPerMinute', 100000 );
rest_do_request( $req );
$o = API_Credits_Settings::options();
check( array( 'post' ) === $o['postTypes'], 'only public post types are kept' );
check( 600 === $o['searchPerMinute'], 'the rate limit is clamped' );

// Which posts may be sent: published and public only.
API_Credits_Settings::update_options( array( 'postTypes' => array( 'post' ) ) );
$mk = fn( array $a ) => get_post( wp_insert_post( array_merge( array( 'post_title' => 'T', 'post_content' => 'c', 'post_status' => 'publish' ), $a ) ) );
check( API_Credits_Knowledge::eligible( $mk( array() ) ), 'a published post is sent' );
check( ! API_Credits_Knowledge::eligible( $mk( array( 'post_status' => 'private' ) ) ), 'a private post is never sent' );
check( ! API_Credits_Knowledge::eligible( $mk( array( 'post_password' => 'secret' ) ) ), 'a password-protected post is never sent' );
check( ! API_Credits_Knowledge::eligible( $mk( array( 'post_status' => 'draft' ) ) ), 'a draft is never sent' );
check( ! API_Credits_Knowledge::eligible( $mk( array( 'post_type' => 'page' ) ) ), 'a type not chosen is not sent' );

// The document: title as heading, escaped; scripts stripped.
$p    = $mk( array( 'post_title' => 'Fish & <Chips>', 'post_content' => '<p>Hello</p><script>alert(1)</script>' ) );
$html = API_Credits_Knowledge::document_html( $p );
check( 1 === preg_match( '#^<h1>Fish &(amp|\#038); &lt;Chips&gt;</h1>#', $html ), 'the title is the escaped heading: ' . $html );
check( ! str_contains( $html, '<script' ), 'no script reaches the document' );

// Saving a post only queues it: no request to the service during the save, one event scheduled to send it.
$calls = 0;
$count = function ( $pre ) use ( &$calls ) {
	++$calls;
	return $pre;
};
add_filter( 'pre_http_request', $count );
wp_clear_scheduled_hook( API_Credits_Sync::HOOK );
$queued = $mk( array( 'post_title' => 'Queued' ) );
remove_filter( 'pre_http_request', $count );
check( 0 === $calls, "saving a post makes no request to the service ($calls made)" );
check( 'queued' === get_post_meta( $queued->ID, API_Credits_Sync::META, true )['status'], 'the saved post is queued' );
check( false !== wp_next_scheduled( API_Credits_Sync::HOOK ), 'an event is scheduled to send it' );
// A run that cannot reach the service (a closed loopback port) keeps the post, counts the attempt and retries later.
API_Credits_Sync::run();
$state = get_post_meta( $queued->ID, API_Credits_Sync::META, true );
check( 'queued' === $state['status'] && 1 === $state['attempts'], 'a failed send stays queued with its attempt counted' );
check( $state['next'] >= time() + 50 && str_contains( $state['error'], 'could not be reached' ), 'it is retried later, with the reason kept' );
check( wp_next_scheduled( API_Credits_Sync::HOOK ) <= $state['next'], 'a run is scheduled by the time of the retry' );
check( false === get_option( 'api_credits_sync_lock' ), 'the run released its lock' );
$problems = rest_do_request( new WP_REST_Request( 'GET', '/api-credits/v1/sync' ) )->get_data()['problems'];
$problem  = array_values( wp_list_filter( $problems, array( 'postId' => $queued->ID ) ) );
check( 1 === count( $problem ) && 'retrying' === $problem[0]['status'] && 'Queued' === $problem[0]['title'], 'the settings screen lists the post that failed' );
wp_trash_post( $queued->ID );
check( '' === get_post_meta( $queued->ID, API_Credits_Sync::META, true ), 'a trashed post leaves the queue' );

// The search block is off until enabled, and its output escapes the query.
$_GET['acs_q'] = '"><script>x</script>';
$out           = API_Credits_Search::render();
check( ! str_contains( $out, '<script>x' ), 'the query is escaped in the form' );
check( str_contains( $out, 'not enabled' ), 'search is off until enabled' );
unset( $_GET['acs_q'] );

// Enabled, a visitor is limited per minute: the limit counts before the call to the service (here a closed
// loopback port, so the admitted search fails as unreachable and the next one is refused without a call).
API_Credits_Settings::update_options( array( 'searchEnabled' => true, 'searchPerMinute' => 1, 'knowledgeBaseId' => 'kb_x' ) );
$_SERVER['REMOTE_ADDR'] = '203.0.113.7';
$first                  = API_Credits_Search::search( 'quokka' );
$second                 = API_Credits_Search::search( 'wombat' );
check( is_wp_error( $first ) && 502 === $first->get_error_data()['status'], 'the first search is admitted (and fails: no service)' );
check( is_wp_error( $second ) && 429 === $second->get_error_data()['status'], 'the second search in the minute is refused' );
$_SERVER['REMOTE_ADDR'] = '203.0.113.8';
$other                  = API_Credits_Search::search( 'wombat' );
check( is_wp_error( $other ) && 502 === $other->get_error_data()['status'], 'another visitor has their own allowance' );

API_Credits_Settings::forget_connection();
check( false === API_Credits_Settings::is_connected(), 'disconnected once forgotten' );

echo $failed ? "FAILED $failed of $checks\n" : "OK $checks\n";
