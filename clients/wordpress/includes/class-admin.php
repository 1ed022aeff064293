<?php
/**
 * wp-admin: the settings screen and the media screen (Preact apps built into build/), the admin-bar balance, the
 * dashboard widget, the "out of credits" notice, and the Media Library row actions.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Admin {
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'menus' ) );
		add_action( 'admin_enqueue_scripts', array( self::class, 'assets' ) );
		add_action( 'admin_bar_menu', array( self::class, 'admin_bar' ), 100 );
		add_action( 'wp_dashboard_setup', array( self::class, 'dashboard_widget' ) );
		add_action( 'admin_notices', array( self::class, 'notices' ) );
		add_filter( 'media_row_actions', array( self::class, 'row_actions' ), 10, 2 );
		add_filter( 'plugin_action_links_' . plugin_basename( API_CREDITS_FILE ), array( self::class, 'plugin_links' ) );
	}

	public static function menus(): void {
		add_menu_page( __( 'API Credits', 'api-credits' ), __( 'API Credits', 'api-credits' ), 'manage_options', 'api-credits', array( self::class, 'mount' ), 'dashicons-superhero', 81 );
		add_media_page( __( 'AI images', 'api-credits' ), __( 'AI images', 'api-credits' ), 'upload_files', 'api-credits-media', array( self::class, 'mount' ) );
	}

	/** Both screens are a mount point; the app reads its state from the plugin's REST routes. */
	public static function mount(): void {
		echo '<div class="wrap"><div id="api-credits-app"></div></div>';
	}

	public static function assets( string $hook ): void {
		$screens = array(
			'toplevel_page_api-credits' => 'settings',
			'media_page_api-credits-media' => 'media',
			'index.php'                 => 'widget',
		);
		wp_enqueue_style( 'api-credits-admin', plugins_url( 'build/admin.css', API_CREDITS_FILE ), array(), API_CREDITS_VERSION );
		wp_enqueue_script( 'api-credits-bar', plugins_url( 'build/bar.js', API_CREDITS_FILE ), array(), API_CREDITS_VERSION, true );
		$config = array(
			'rest'  => esc_url_raw( rest_url( API_Credits_Rest::NS ) ),
			'nonce' => wp_create_nonce( 'wp_rest' ),
			'admin' => esc_url_raw( admin_url() ),
		);
		wp_add_inline_script( 'api-credits-bar', 'window.apiCredits = ' . wp_json_encode( $config ) . ';', 'before' );
		if ( isset( $screens[ $hook ] ) ) {
			wp_enqueue_script( 'api-credits-admin', plugins_url( 'build/admin.js', API_CREDITS_FILE ), array( 'api-credits-bar' ), API_CREDITS_VERSION, true );
			wp_add_inline_script( 'api-credits-admin', 'window.apiCredits.screen = ' . wp_json_encode( $screens[ $hook ] ) . ';', 'before' );
		}
	}

	/** A placeholder the bar script fills from the balance route (no service call while rendering the page). */
	public static function admin_bar( WP_Admin_Bar $bar ): void {
		if ( ! is_admin() || ! current_user_can( 'upload_files' ) || ! API_Credits_Settings::is_connected() ) {
			return;
		}
		$bar->add_node(
			array(
				'id'    => 'api-credits-balance',
				'title' => '<span class="ab-label" id="api-credits-bar-balance">' . esc_html__( 'Credits: …', 'api-credits' ) . '</span>',
				'href'  => current_user_can( 'manage_options' ) ? admin_url( 'admin.php?page=api-credits' ) : false,
			)
		);
	}

	public static function dashboard_widget(): void {
		if ( current_user_can( 'manage_options' ) && API_Credits_Settings::is_connected() ) {
			wp_add_dashboard_widget( 'api_credits_balance', __( 'AI credits', 'api-credits' ), array( self::class, 'mount_widget' ) );
		}
	}

	public static function mount_widget(): void {
		echo '<div id="api-credits-widget"></div>';
	}

	/** After the service answered 402, every admin screen says so until credits are bought (cleared by the balance). */
	public static function notices(): void {
		// Back from a paid Checkout: the notice has done its job (the webhook credits the account).
		if ( isset( $_GET['page'], $_GET['checkout'] ) && 'api-credits' === $_GET['page'] && 'success' === $_GET['checkout'] ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only hides a notice
			delete_option( 'api_credits_last_402' );
		}
		if ( ! current_user_can( 'manage_options' ) || ! get_option( 'api_credits_last_402' ) ) {
			return;
		}
		printf(
			'<div class="notice notice-warning api-credits-402"><p>%s <a href="%s">%s</a></p></div>',
			esc_html__( 'Your AI credits ran out: the last operation was refused.', 'api-credits' ),
			esc_url( admin_url( 'admin.php?page=api-credits#buy' ) ),
			esc_html__( 'Buy credits', 'api-credits' )
		);
	}

	public static function row_actions( array $actions, WP_Post $post ): array {
		if ( wp_attachment_is_image( $post ) && current_user_can( 'upload_files' ) && API_Credits_Settings::is_connected() ) {
			$url                    = admin_url( 'upload.php?page=api-credits-media&attachment=' . $post->ID );
			$actions['api_credits'] = '<a href="' . esc_url( $url ) . '">' . esc_html__( 'AI: upscale, remove, edit', 'api-credits' ) . '</a>';
		}
		return $actions;
	}

	public static function plugin_links( array $links ): array {
		$links[] = '<a href="' . esc_url( admin_url( 'admin.php?page=api-credits' ) ) . '">' . esc_html__( 'Settings', 'api-credits' ) . '</a>';
		return $links;
	}
}
