<?php
/**
 * Uninstall: deletes this site's data in the service when the owner asked for it (the setting on the settings
 * screen), then removes every option and post meta the plugin wrote.
 *
 * @package api-credits
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/class-vault.php';
require_once __DIR__ . '/includes/class-settings.php';
require_once __DIR__ . '/includes/class-client.php';

if ( API_Credits_Settings::options()['deleteDataOnUninstall'] && API_Credits_Settings::is_connected() ) {
	$api_credits_receipt = API_Credits_Client::request( 'DELETE', '/v1/data', array( 'timeout' => 60 ) );
	$api_credits_conn    = API_Credits_Settings::connection();
	if ( ! is_wp_error( $api_credits_receipt ) && ! empty( $api_credits_conn['keyId'] ) ) {
		API_Credits_Client::request( 'DELETE', '/v1/api-keys/' . rawurlencode( $api_credits_conn['keyId'] ), array( 'timeout' => 10 ) );
	}
}

foreach ( API_Credits_Settings::ALL as $api_credits_option ) {
	delete_option( $api_credits_option );
}
delete_option( 'api_credits_search_generation' );
delete_transient( API_Credits_Settings::PLAN_CACHE );
delete_post_meta_by_key( '_api_credits_doc_id' );
delete_post_meta_by_key( '_api_credits_sync_error' );
delete_post_meta_by_key( '_api_credits_sync' );
delete_option( 'api_credits_sync_lock' );
wp_clear_scheduled_hook( 'api_credits_sync' );
